/**
 * The station seen from outside while it runs: Prometheus metrics, the operators' dashboard and
 * its JSON, and the endpoints that change it (thresholds, the live model). It owns no part of the frame path.
 *
 * <pre>
 *   Station ──counters, source stats, snapshot()──┐
 *           ──StationTelemetry (stage times, ring, │   read when asked, on the server's threads
 *             sink health, trend samples, latest   ├──▶ StationMetrics ──▶ GET /metrics (Prometheus text)
 *             frame per camera)                    │
 *   DecisionJournal.query (its own connection) ────┴──▶ StationServer  ──▶ GET /  (dashboard: index.html,
 *                                                                              dashboard.js/.css, Chart.js webjar)
 *                                                                          GET /api/state, /api/rejects,
 *                                                                              /api/cameras/{i}/latest.png
 *                                                   ThresholdControl ◀── POST /api/thresholds
 *                                         Station.models() (ModelSwitch) ◀── POST /api/models/live
 *                            (both through OperateRequests: token, loopback, origin, JSON, who asked)
 * </pre>
 *
 * <ul>
 *   <li>{@link io.sightline.station.web.StationMetrics}: binds a Micrometer Prometheus registry to a
 *       station; every meter reads the station's own counters at scrape time.</li>
 *   <li>{@link io.sightline.station.web.StationServer}: the JDK's HTTP server on a small bounded pool;
 *       loopback by default, a bearer token for anything else; it never blocks a station thread.</li>
 *   <li>{@link io.sightline.station.web.ThresholdControl}: what a threshold change calls; the station
 *       side implements it.</li>
 *   <li>The page itself: {@code src/main/resources/io/sightline/station/web/} (plain HTML, CSS and
 *       JavaScript, charts by Chart.js from its webjar).</li>
 * </ul>
 *
 * <p>What the station's threads contribute is in {@link io.sightline.station.telemetry.StationTelemetry}: written
 * without allocating or waiting, paid for by the reader. This package reads the station through
 * its public API and the telemetry; it must not know the ring, the outcome stage or the command line (the model store and switch are
 * the public API's, {@code io.sightline.station.models}).
 */
package io.sightline.station.web;
