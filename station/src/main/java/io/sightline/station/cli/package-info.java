/**
 * The {@code sightline} command line ({@link io.sightline.station.cli.SightlineCli}): one class per
 * command ({@code run}, {@code demo}, {@code config}, {@code train}, {@code eval}, {@code dataset},
 * {@code train-trend}, {@code eval-trend}, {@code calibrate}, {@code journal}, {@code devices},
 * {@code bench}), each a translation of its options. {@link io.sightline.station.cli.StationLauncher}
 * is the one way a station is launched from a station file (demo builds one from its flags);
 * {@link io.sightline.station.cli.StationReport} is the summary and JSON report both print;
 * start-up checks, signals and the drain live here too.
 *
 * <p>The outermost layer: nothing else in the station imports it. It builds stations through the
 * public API of {@code io.sightline.station}; it must not reach into the ring, the outcome stage or
 * the telemetry's internals, and it holds no domain logic that a stage library owns (training,
 * trend models, scoring belong to inference and postprocess).
 */
package io.sightline.station.cli;
