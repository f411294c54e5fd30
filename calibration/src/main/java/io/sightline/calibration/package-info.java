/**
 * Calibration tools: camera intrinsics from chessboards, region of interest and mm-per-pixel,
 * threshold tuning from labelled samples (ROC, target escape rate), and reject-timing calibration.
 * They write the station's calibration file. (Not built yet: see the open issue on calibration.)
 */
package io.sightline.calibration;
