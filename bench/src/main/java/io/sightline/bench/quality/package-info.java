/**
 * {@code sightline bench quality}: the one training recipe on every real dataset, in both modes
 * ({@link io.sightline.bench.quality.QualityCommand}), over the datasets of
 * {@link io.sightline.bench.quality.QualityPanel}, each training in its own JVM
 * ({@link io.sightline.bench.quality.ChildCli}).
 *
 * <p>It drives the {@code sightline} commands as a user would (their JSON output); it must not
 * reach into the station's or inference's internals, and it measures: no figure here is a test.
 */
package io.sightline.bench.quality;
