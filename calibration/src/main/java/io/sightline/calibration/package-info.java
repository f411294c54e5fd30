/**
 * Calibration tools, each writing its section of the station's calibration file
 * ({@link io.sightline.calibration.CalibrationFile}):
 * <ul>
 *   <li>{@link io.sightline.calibration.CameraCalibration}: intrinsics and distortion from chessboard views;</li>
 *   <li>{@link io.sightline.calibration.ThresholdCalibration}: the decision threshold for a target escape
 *       rate, with a Clopper-Pearson bound, refusing what the data cannot show;</li>
 *   <li>{@link io.sightline.calibration.RoiCalibration}: where the part lies, found or given;</li>
 *   <li>{@link io.sightline.calibration.ScaleCalibration}: millimetres per pixel;</li>
 *   <li>reject timing (in the CLI: distance and encoder resolution or belt speed).</li>
 * </ul>
 * Undistortion itself runs in preprocess ({@code io.sightline.preprocess.Undistorter}).
 *
 * <p>It writes the calibration file; it must not know the station, its ring or its YAML config (the
 * station reads what calibration writes, never the other way).
 */
package io.sightline.calibration;
