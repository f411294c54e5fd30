/**
 * The inspection API's model side: one image from an outside system (an MES, a QA bench) scored with
 * a line's preprocessing, model and threshold, in the station's own batches or, with no station,
 * by a worker of its own ({@code sightline serve}).
 *
 * <pre>
 *   web (POST /api/inspect) ─▶ {@link io.sightline.station.inspect.Inspector}: type, format, size checks,
 *                                 the line's preprocessing ─▶ {@link io.sightline.station.inspect.InspectQueue}
 *                                 (bounded, preallocated {@link io.sightline.station.inspect.InspectRequest} slots)
 *   station's inspection workers ─▶ {@link io.sightline.station.inspect.InspectRows}: spare rows of their batches
 *   or serve's {@link io.sightline.station.inspect.InspectWorker}  ─▶ answers back to the waiting request
 * </pre>
 *
 * <p>This package owns the request slots, their queue and the image checks. It knows the stage
 * libraries (preprocess, inference) and nothing of the ring, the HTTP server or the command line:
 * the ring's workers call {@link io.sightline.station.inspect.InspectRows}, the web package calls
 * {@link io.sightline.station.inspect.Inspector}.
 */
package io.sightline.station.inspect;
