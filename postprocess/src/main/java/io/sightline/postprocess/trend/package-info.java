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
 *   PartStreams + StreamReplay: recorded streams (CSV) replayed through every detector: Brier skill
 *                    of the reject forecasts against the expanding mean, alarms, delays at change points
 *   ClassRateTracker: each defect class's rate per line (a Bernoulli CUSUM per class), alarms naming the class;
 *                    ClassRateCalibration: its h by class rate, matched on seeded streams to the line
 *                    detectors' in-control false-alarm rate
 * </pre>
 *
 * <p>A tracker sees a line's scores and outcomes only: this package must not know the station, its
 * ring, frames or models, nor how alarms are delivered (the reject sinks do that).
 */
package io.sightline.postprocess.trend;
