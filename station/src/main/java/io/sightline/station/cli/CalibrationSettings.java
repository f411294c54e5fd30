package io.sightline.station.cli;

import io.sightline.calibration.CalibrationFile;
import io.sightline.inference.ModelInfo;
import io.sightline.preprocess.Undistorter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a calibration file sets for a station, each section checked against the station it is
 * applied to: the camera model (undistortion) and the ROI for this camera resolution, the decision
 * threshold for this model, the reject delay in time (a station without an encoder). A section made
 * for another resolution or model is refused with a message saying which calibration to re-run.
 *
 * @param threshold the calibrated decision threshold, or null (no threshold section)
 * @param roi the calibrated ROI {x, y, w, h}, or null
 * @param rejectDelayMillis the calibrated camera-to-ejector time, or null
 * @param camera the camera section (intrinsics, distortion), or null
 */
record CalibrationSettings(Path file, Float threshold, int[] roi, Long rejectDelayMillis, Map<String, Object> camera) {

    /**
     * Reads and checks {@code file} for cameras of {@code width} x {@code height} and the model in
     * {@code modelDir}.
     *
     * @throws IllegalArgumentException naming the file and the mismatch
     */
    static CalibrationSettings read(Path file, Path modelDir, int width, int height) {
        Map<String, Object> camera = CalibrationFile.section(file, "camera");
        if (camera != null) {
            int w = ((Number) camera.get("width")).intValue();
            int h = ((Number) camera.get("height")).intValue();
            if (w != width || h != height) {
                throw new IllegalArgumentException("calibration " + file + " was made for a " + w + "x" + h + " camera; this station's"
                        + " cameras are " + width + "x" + height + " (re-run calibrate camera at this resolution)");
            }
        }
        int[] roi = null;
        Map<String, Object> roiSection = CalibrationFile.section(file, "roi");
        if (roiSection != null) {
            int fw = ((Number) roiSection.get("frameWidth")).intValue();
            int fh = ((Number) roiSection.get("frameHeight")).intValue();
            if (fw != width || fh != height) {
                throw new IllegalArgumentException("calibration " + file + " found its ROI in a " + fw + "x" + fh + " frame; this"
                        + " station's cameras are " + width + "x" + height + " (re-run calibrate roi on a frame from this camera)");
            }
            roi = new int[] {((Number) roiSection.get("x")).intValue(), ((Number) roiSection.get("y")).intValue(),
                ((Number) roiSection.get("width")).intValue(), ((Number) roiSection.get("height")).intValue()};
        }
        Float threshold = null;
        Map<String, Object> thresholdSection = CalibrationFile.section(file, "threshold");
        if (thresholdSection != null) {
            ModelInfo info = ModelInfo.read(modelDir.resolve(ModelInfo.FILE_NAME));
            String model = info.name() + " " + info.version();
            if (!model.equals(thresholdSection.get("model"))) {
                throw new IllegalArgumentException("calibration " + file + " set its threshold for model '" + thresholdSection.get("model")
                        + "'; this station runs '" + model + "' (re-run calibrate threshold with this model)");
            }
            threshold = ((Number) thresholdSection.get("threshold")).floatValue();
        }
        Long delay = null;
        Map<String, Object> timing = CalibrationFile.section(file, "timing");
        if (timing != null) {
            if (!"time".equals(timing.get("mode"))) {
                throw new IllegalArgumentException("calibration " + file + " times rejects in encoder counts; this station has no"
                        + " encoder input (calibrate timing with --belt-speed)");
            }
            delay = ((Number) timing.get("rejectDelayMillis")).longValue();
        }
        return new CalibrationSettings(file, threshold, roi, delay, camera);
    }

    /** The cameras' undistortion when the calibration has a camera section, else null; the caller closes it. */
    Undistorter undistorter(int width, int height) {
        if (camera == null) return null;
        @SuppressWarnings("unchecked")
        List<Number> d = (List<Number>) camera.get("distortion");
        double[] k = new double[d.size()];
        for (int i = 0; i < k.length; i++) k[i] = d.get(i).doubleValue();
        io.sightline.natives.Natives.opencv();
        return new Undistorter(width, height, ((Number) camera.get("fx")).doubleValue(), ((Number) camera.get("fy")).doubleValue(),
                ((Number) camera.get("cx")).doubleValue(), ((Number) camera.get("cy")).doubleValue(), k);
    }
}
