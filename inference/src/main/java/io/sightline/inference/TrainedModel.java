package io.sightline.inference;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of {@link Trainer#train}: the best epoch's CNN weights and the figures that go into
 * {@code model.json}. Plain Java data, no native resources.
 *
 * <p>{@link #export} fills the figures in: the caller passes a base {@link ModelInfo} (name,
 * version, normalisation, classes and input size, which must match the training), and the
 * package gets that base with {@link #trainingSummary()} added to {@code training} and
 * {@link #evaluation()} to {@code evaluation} (see {@link ModelInfo#withFigures}).
 */
public final class TrainedModel {
    private final List<String> classes;
    private final int widthPx;
    private final int heightPx;
    private final int channels;
    private final InspectionCnn.Weights weights;
    private final Map<String, Object> trainingSummary;
    private final Map<String, Object> evaluation;
    private final int bestEpoch;
    private final int epochsRun;
    private final double validationAuroc;
    private final double validationAccuracy;
    /** An anomaly model's feature density, or null. */
    private final FeatureDensity.Calibration density;

    TrainedModel(List<String> classes, int widthPx, int heightPx, int channels, InspectionCnn.Weights weights,
            Map<String, Object> trainingSummary, Map<String, Object> evaluation, int bestEpoch, int epochsRun,
            double validationAuroc, double validationAccuracy) {
        this(classes, widthPx, heightPx, channels, weights, trainingSummary, evaluation, bestEpoch, epochsRun, validationAuroc,
                validationAccuracy, null);
    }

    private TrainedModel(List<String> classes, int widthPx, int heightPx, int channels, InspectionCnn.Weights weights,
            Map<String, Object> trainingSummary, Map<String, Object> evaluation, int bestEpoch, int epochsRun,
            double validationAuroc, double validationAccuracy, FeatureDensity.Calibration density) {
        this.density = density;
        this.classes = List.copyOf(classes);
        this.widthPx = widthPx;
        this.heightPx = heightPx;
        this.channels = channels;
        this.weights = weights;
        this.trainingSummary = Collections.unmodifiableMap(new LinkedHashMap<>(trainingSummary));
        this.evaluation = Collections.unmodifiableMap(new LinkedHashMap<>(evaluation));
        this.bestEpoch = bestEpoch;
        this.epochsRun = epochsRun;
        this.validationAuroc = validationAuroc;
        this.validationAccuracy = validationAccuracy;
    }

    /**
     * Writes the model package (SavedModel + model.json) into {@code outDir}, which must not exist
     * or be empty. {@code info}'s maps are extended with this training's figures.
     *
     * @throws IllegalArgumentException if {@code info}'s classes or input size differ from the training's
     * @throws ModelException if the folder is not empty or cannot be written
     */
    public void export(Path outDir, ModelInfo info) {
        if (!info.classes().equals(classes)) {
            throw new IllegalArgumentException("model.json lists classes " + info.classes() + " but the model was trained on "
                    + classes + " (same names, same order)");
        }
        if (info.inputWidth() != widthPx || info.inputHeight() != heightPx || info.inputChannels() != channels) {
            throw new IllegalArgumentException("model.json says " + info.inputWidth() + "x" + info.inputHeight() + "x"
                    + info.inputChannels() + " but the model was trained on " + widthPx + "x" + heightPx + "x" + channels
                    + " (width x height x channels)");
        }
        PackageWriter.write(outDir, info.withFigures(trainingSummary, evaluation), weights, density);
    }

    /**
     * This model scoring with {@code calibration} too (an anomaly model's feature density), its
     * figures extended by {@code training} and {@code evaluation}, its validation AUROC replaced.
     */
    TrainedModel withDensity(FeatureDensity.Calibration calibration, Map<String, Object> training, Map<String, Object> evaluationFigures,
            double newValidationAuroc) {
        Map<String, Object> t = new LinkedHashMap<>(trainingSummary);
        t.putAll(training);
        Map<String, Object> e = new LinkedHashMap<>(evaluation);
        e.putAll(evaluationFigures);
        return new TrainedModel(classes, widthPx, heightPx, channels, weights, t, e, bestEpoch, epochsRun, newValidationAuroc,
                validationAccuracy, calibration);
    }

    /** An anomaly model's feature density, or null. */
    public FeatureDensity.Calibration density() {
        return density;
    }

    public List<String> classes() {
        return classes;
    }

    public int widthPx() {
        return widthPx;
    }

    public int heightPx() {
        return heightPx;
    }

    public int channels() {
        return channels;
    }

    /** The best epoch's weights. */
    public InspectionCnn.Weights weights() {
        return weights;
    }

    /** Data summary and options, for model.json's {@code training}. */
    public Map<String, Object> trainingSummary() {
        return trainingSummary;
    }

    /** Validation figures of the best epoch, for model.json's {@code evaluation}. */
    public Map<String, Object> evaluation() {
        return evaluation;
    }

    /** The epoch (from 1) whose weights were kept. */
    public int bestEpoch() {
        return bestEpoch;
    }

    public int epochsRun() {
        return epochsRun;
    }

    /** Validation AUROC of the best epoch (ok vs any defect, score = 1 - p(ok)). */
    public double validationAuroc() {
        return validationAuroc;
    }

    public double validationAccuracy() {
        return validationAccuracy;
    }
}
