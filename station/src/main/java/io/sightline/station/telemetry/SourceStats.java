package io.sightline.station.telemetry;

/**
 * One camera's figures: what its source delivered and what went wrong on the way. On a line with
 * several views, one per view.
 *
 * @param frames frames the camera delivered for new part ids (published to the ring, found it full,
 *               or not inspected as late views)
 * @param unreadable frames the source could not deliver readably (fail-safe rejects)
 * @param missed parts whose ids the source skipped (fail-safe rejects)
 * @param repeated frames that repeated a part id, not inspected again
 * @param skipped frames the source itself dropped to stay on the newest (each also a missed id)
 * @param reconnects times the source was lost and re-opened
 * @param connected false while a lost source is being re-opened
 * @param lastError why the source was last lost, or null
 * @param view the view's name on a line with several cameras, else null
 * @param missingViews parts of the line decided without this view's frame (skipped ids, or no frame by
 *                     the deadline); each a fail-safe reject; 0 on a line with one camera
 * @param lateViews frames (or their outcomes) that came after their part was decided: not a second
 *                  outcome, only counted; 0 on a line with one camera
 * @param handedOver frames handed to the ring in the source's own buffer instead of being copied
 *                   into a slot (a source whose pixels are stable, such as a replay)
 */
public record SourceStats(int line, String name, boolean live, long frames, long unreadable, long missed, long repeated,
                          long skipped, long reconnects, boolean connected, String lastError, String view,
                          long missingViews, long lateViews, long handedOver) {
}
