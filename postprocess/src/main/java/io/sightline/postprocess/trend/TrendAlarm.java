package io.sightline.postprocess.trend;

/**
 * A trend tracker's alarm on one line, raised or cleared.
 *
 * @param line production line
 * @param detector the tracker's name ("ewma", "cusum", "pchart", "lstm")
 * @param timeNanos the part's capture time ({@link System#nanoTime()} scale, or the replay's clock)
 * @param partIndex the part's index on its line, counted from 0
 * @param value the statistic or forecast that crossed
 * @param limit the limit it crossed
 * @param raised true when the alarm is raised, false when it clears
 * @param rule what crossed, e.g. "statistic above the upper control limit" or a Western Electric rule
 */
public record TrendAlarm(int line, String detector, long timeNanos, long partIndex, double value, double limit,
                         boolean raised, String rule) {}
