/**
 * Per-line trend tracking: warn before a line drifts into making scrap.
 *
 * <pre>
 *   each part of each line: (line, part index, time, defect score, rejected)
 *      --> TrendTracker: EwmaChart | CusumChart | PChart (Western Electric rules) | the LSTM forecaster
 *      --> TrendAlarm raised / cleared (hysteresis) --> the station's outputs
 *   TrendScenarios: seeded synthetic histories (in control, step, linear, exponential, periodic, burst)
 *   TrendEvaluation: false alarms per in-control part, detection delays, and the sensitivity of
 *                    each chart that gives the same in-control false-alarm rate
 * </pre>
 */
package io.sightline.postprocess.trend;
