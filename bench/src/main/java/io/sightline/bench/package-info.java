/**
 * Benchmarks that print figures: JMH per stage ({@code ./sightline bench jmh [PATTERN] [--gc]}) and,
 * later, end-to-end pipeline runs. Nothing here runs in the default build or the test suite:
 * performance goals are checked by running these, never by timing thresholds in tests.
 */
package io.sightline.bench;
