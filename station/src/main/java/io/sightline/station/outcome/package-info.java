/**
 * What becomes of a decided frame: {@link io.sightline.station.outcome.OutcomeRecorder} (counters,
 * latency, journal, reject sink, ejector), {@link io.sightline.station.outcome.ViewAssembly} (the
 * views of one part into one outcome), {@link io.sightline.station.outcome.LineThresholds} (changeable
 * while running), {@link io.sightline.station.outcome.EjectorStage} (reject timing),
 * {@link io.sightline.station.outcome.RejectImages} (its buffers and writer thread:
 * {@link io.sightline.station.outcome.FrameWriter}, also the review queue's) and the trend stage with its history.
 *
 * <pre>
 *   decision / watchdog / camera ─▶ ViewAssembly (lines with several views) ─▶ OutcomeRecorder
 *                                                                            ├▶ journal, reject sink
 *                                                                            └▶ EjectorStage
 *   decision ─▶ RejectImages (writer thread), TrendStage ─▶ TrendHistory (read by telemetry)
 *                                                        └▶ TrendRows ─▶ journal (alarms, a forecast a minute)
 * </pre>
 *
 * <p>Every part ends here in exactly one recorded outcome. This package knows the postprocess
 * library and frame pixels as buffers; it must not know the ring (its slot, handlers or the
 * Disruptor), the telemetry that reads it, the config file or the command line.
 */
package io.sightline.station.outcome;
