/**
 * Faults and overload on a real station: {@code ./sightline bench faults [--scenario NAME]... [--scale F] [--json]}
 * and {@code FaultSuiteTest} (the same scenarios, shortened).
 *
 * <pre>
 *   FaultContext (one per run): default model, recorded synthetic parts per line, base config, scale
 *        │
 *   FaultScenario.run ─▶ Timeline: before ─▶ fault ─▶ after          (one clock for injector and observer)
 *        │                  │ injects through what a station really has:
 *        │                  │   TriggeredCamera (rate), NetworkCamera behind ReconnectingSource (link),
 *        │                  │   FolderCamera into a watched folder (bad files), MarkingSource + FaultModels
 *        │                  │   (a SavedModel that returns NaN or throws), LoopbackModbusPlc / MosquittoBroker /
 *        │                  │   KafkaBroker / LoopbackOpcUaPlc stopped and restarted (the sink's far end)
 *        ▼                  ▼
 *   StationRun: a real Station (ring, workers, TensorFlow, watchdog, sinks, journal) ─▶ stop, drain
 *        │         OutcomeLog (a sink that sees every part's result, by phase) ─▶ unaccounted, recovery
 *        │         MemoryWatch ─▶ peak heap, peak RSS
 *        ▼
 *   ScenarioResult ─▶ table on stderr, one JSON object on stdout, exit 1 unless every part is accounted
 *                     for and every fault recovered
 * </pre>
 *
 * <p>Fakes only where the real thing cannot exist here (a physical camera, its cable): they
 * implement {@link io.sightline.capture.FrameSource}, like every camera.
 *
 * <p>It drives stations only through their public API ({@code Station}, {@code StationAttachments},
 * {@code StationConfig}, the telemetry records) and must not reach into the ring's or the outcome
 * stage's internals: a scenario sees what an operator would.
 */
package io.sightline.bench.faults;
