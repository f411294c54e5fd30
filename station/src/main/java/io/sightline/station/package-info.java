/**
 * The composition root: {@link io.sightline.station.Station} builds one inspection station from a
 * {@link io.sightline.station.StationConfig}, its cameras ({@link io.sightline.station.CameraView}) and
 * what it reports to ({@link io.sightline.station.StationAttachments}), and is the one public face of a
 * running station (start, stop, thresholds, its model, figures).
 *
 * <pre>
 *   io.sightline.station            Station (composition), StationConfig, StationAttachments, CameraView,
 *                                   TriggerSchedule; StationLayout (checks), the public face of a station
 *     ├── models      the model store, swapping the live model and rolling it back (ModelSwitch)
 *     ├── ring        the frame event (ring slot), camera loops, handlers, watchdog: the only Disruptor user
 *     ├── outcome     recording, view assembly, thresholds, ejector, reject images, trend stage
 *     ├── telemetry   stats records, stage times, latest frames: what metrics and the dashboard read
 *     ├── inspect     the inspection API's queue, checks and workers (requests ride in the ring's batches)
 *     ├── review      the review queue: parts near the threshold kept for relabelling
 *     ├── config      the station YAML file: reader, checks, reload
 *     ├── web         metrics endpoint, dashboard, its HTTP server
 *     ├── eval        the evaluation report's charts and pages
 *     └── cli         the {@code sightline} command line
 *   imports: models → ring, outcome; ring → outcome, telemetry, inspect, review (and the root's StationConfig,
 *            TriggerSchedule values); telemetry → outcome; review → outcome (its frame writer); outcome, inspect →
 *            none of them; config, web, cli → the root's public API (web also → inspect)
 * </pre>
 *
 * <p>This package must not import the Disruptor (the ring's wiring is {@code ring.StationRing}), the
 * command line, the YAML config or the web server: they build on it, not it on them.
 */
package io.sightline.station;
