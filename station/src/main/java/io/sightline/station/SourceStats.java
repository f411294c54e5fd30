package io.sightline.station;

/**
 * One camera's figures: what its source delivered and what went wrong on the way.
 *
 * @param frames frames published to the ring
 * @param unreadable frames the source could not deliver readably (fail-safe rejects)
 * @param missed parts whose ids the source skipped (fail-safe rejects)
 * @param repeated frames that repeated a part id, not inspected again
 * @param skipped frames the source itself dropped to stay on the newest (each also a missed id)
 * @param reconnects times the source was lost and re-opened
 * @param connected false while a lost source is being re-opened
 * @param lastError why the source was last lost, or null
 */
public record SourceStats(int line, String name, boolean live, long frames, long unreadable, long missed, long repeated,
                          long skipped, long reconnects, boolean connected, String lastError) {
}
