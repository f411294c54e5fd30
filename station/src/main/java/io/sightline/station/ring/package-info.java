/**
 * The frame's way through the station: the preallocated ring slot ({@code FrameEvent}), the camera
 * loops that publish into it, the inspection workers (preprocess, batch, infer), the decision handler,
 * the deadline watchdog, the stage wait strategy and the workers' live model ({@link io.sightline.station.ring.LiveModel}:
 * a new model version taken over at a batch boundary), wired together by
 * {@link io.sightline.station.ring.StationRing}.
 *
 * <pre>
 *   CameraLoop ─tryPublish─▶ [ FrameEvent slots ] ─▶ InspectionHandler × N ─▶ DecisionHandler ─▶ outcome
 *                                   ▲                                                         ▲
 *                            DeadlineWatchdog (frames past their deadline) ───────────────────┘
 * </pre>
 *
 * <p>A camera copies each frame into its slot, unless its source's pixels are stable (a replay): then
 * the slot points at the frame's own memory ({@code BorrowedFrames}), and readers take the frame
 * through {@code FrameEvent.framePixels()} and {@code roiView()}.
 *
 * <p>The only package of the station that imports {@code com.lmax.disruptor}; the slot and the
 * handlers stay package-private. {@link io.sightline.station.ring.StageProbes} is the deliberate
 * public door for the bench module's stage benchmarks. This package hands decided frames to
 * {@code io.sightline.station.outcome} and writes stage times and frame copies into
 * {@code io.sightline.station.telemetry}; its workers take inspection API requests into spare batch
 * rows ({@code io.sightline.station.inspect.InspectRows}) and its decision offers parts near the
 * threshold to {@code io.sightline.station.review.ReviewQueue}; it reads the {@code StationConfig} value and must not know
 * the command line, the YAML config or the web server.
 */
package io.sightline.station.ring;
