/**
 * The composition root: the frame event (ring slot), the Disruptor wiring and its handlers
 * ({@link io.sightline.station.Station} draws the data flow), the deadline watchdog that keeps the
 * no-part-passes-uninspected promise when a stage stalls, station config, and the {@code sightline}
 * command line ({@link io.sightline.station.cli.SightlineCli}). Metrics and the dashboard belong here.
 */
package io.sightline.station;
