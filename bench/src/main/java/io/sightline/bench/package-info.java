/**
 * Benchmarks that print figures; nothing here runs in the default build's tests, and performance
 * goals are checked by running these, never by timing thresholds in tests.
 *
 * <ul>
 *   <li>{@code ./sightline bench jmh [PATTERN] [--gc]}: JMH per stage at the station's defaults:
 *       {@link io.sightline.bench.CaptureBenchmark capture}, {@link io.sightline.bench.PreprocessBenchmark
 *       preprocessing}, {@link io.sightline.bench.InferenceBenchmark inference} at batch 1/8/32/64, and in
 *       the station's own package the ring hop, the batching and the decision step (they drive its
 *       package-private handlers).</li>
 *   <li>{@code ./sightline bench pipeline}: the open-loop end-to-end run ({@link io.sightline.bench.RateSearch}
 *       over {@link io.sightline.bench.Contender}s fed by the same recorded frames): the station, the
 *       naive thread-pool rival, the ideal rate ({@link io.sightline.bench.StageCosts}) and the
 *       compute floor ({@link io.sightline.bench.ComputeFloor}), reported by
 *       {@link io.sightline.bench.PipelineReport}.</li>
 * </ul>
 */
package io.sightline.bench;
