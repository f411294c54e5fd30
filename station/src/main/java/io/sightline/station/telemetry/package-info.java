/**
 * What a running station shows beyond its outcomes: {@link io.sightline.station.telemetry.StationStats}
 * and {@link io.sightline.station.telemetry.SourceStats} (the figures of a run and of each camera),
 * {@link io.sightline.station.telemetry.StageTimes} (written by the inspection workers),
 * {@link io.sightline.station.telemetry.LatestFrames} (each camera's latest decided frame) and
 * {@link io.sightline.station.telemetry.StationTelemetry}, which the metrics endpoint and the
 * dashboard read from any thread.
 *
 * <p>The station's threads write here without allocating, waiting or locking; readers pay for
 * copies. This package reads the outcome stage (latency, trend history); it must not know the ring
 * (it is given the ring's size and free capacity, and frames as buffers), the web server that reads
 * it, the config file or the command line.
 */
package io.sightline.station.telemetry;
