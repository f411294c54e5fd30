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
 *                                         inspect.Inspector ◀── InspectRequests ◀── POST /api/inspect
 *                                         Station.models() (ModelSwitch) ◀── POST /api/models/live
 *                            (thresholds and models through OperateRequests: token, loopback, origin, JSON, who asked)
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
 * <ul>
 *   <li>{@link io.sightline.station.web.InspectRequests}: the inspection API's HTTP side (body limit,
 *       JSON or the defect-map PNG); the work is {@code io.sightline.station.inspect}'s. Without a
 *       station ({@code sightline serve}) the server answers this endpoint alone.</li>
 * </ul>
 *
 * <p>What the station's threads contribute is in {@link io.sightline.station.telemetry.StationTelemetry}: written
 * without allocating or waiting, paid for by the reader. This package reads the station through
 * its public API and the telemetry; it must not know the ring, the outcome stage or the command line (the model store and switch are
 * the public API's, {@code io.sightline.station.models}).
 */
package io.sightline.station.web;
