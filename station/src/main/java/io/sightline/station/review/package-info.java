/**
 * The review queue: parts a person should label, saved for relabelling within a rate and a size limit.
 *
 * <pre>
 *   decision thread ─▶ {@link io.sightline.station.review.ReviewQueue#offer} (near the threshold)
 *   shadow thread   ─▶ {@link io.sightline.station.review.ReviewQueue#offerModelInput} (the candidate disagrees)
 *                   ─▶ FrameWriter (the reject images' writer) ─▶ DIR/LINE/unlabelled/*.png + *.json
 *   sightline review stats ─▶ {@link io.sightline.station.review.ReviewStats}: what waits, per line
 * </pre>
 *
 * <p>This package owns the queue's folder layout, its limits (shared by every source) and its figures. It knows frames as
 * native buffers and nothing of the ring, the config file or the command line.
 */
package io.sightline.station.review;
