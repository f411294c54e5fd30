package io.sightline.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a model did on a labelled set: the figures {@code sightline eval} reports and model.json
 * records.
 *
 * <p>Two views of the same scores:
 * <ul>
 *   <li>the <b>inspection decision</b>, ok vs any defect: the defect score is {@code 1 - p(ok)}
 *       and a part is rejected when it is at or above the threshold. AUROC, the ROC curve, the
 *       escape rate (defective parts passed / defective parts) and the false-reject rate (good
 *       parts rejected / good parts) are about this decision;</li>
 *   <li>the <b>class</b>: the most probable class. Accuracy, the confusion matrix and per-class
 *       recall are about this one, so a model that finds a defect but names the wrong kind shows
 *       up there and not as an escape.</li>
 * </ul>
 *
 * @param classes class names, {@code ok} included
 * @param threshold defect score at or above which a part is rejected
 * @param auroc area under the ROC curve, ok vs any defect; NaN when one side has no sample
 * @param accuracy share of samples whose most probable class is their class
 * @param escapeRate defective parts passed / defective parts; NaN without defective parts
 * @param falseRejectRate good parts rejected / good parts; NaN without good parts
 * @param okCount good parts
 * @param defectCount defective parts
 * @param confusion {@code confusion[truth][predicted]} counts, class indices as in {@code classes}
 * @param roc the ROC curve's corners, from (0,0) to (1,1): {false-positive rate, true-positive rate, threshold}
 */
public record Evaluation(List<String> classes, float threshold, double auroc, double accuracy, double escapeRate,
                         double falseRejectRate, int okCount, int defectCount, int[][] confusion,
                         List<double[]> roc) {

    /**
     * Computes every figure from the class probabilities of each sample.
     *
     * @param probs one row of class probabilities per sample, {@code classes.size()} wide
     * @param labels the true class index of each sample
     * @param okIndex index of the passing class
     */
    public static Evaluation of(List<String> classes, int okIndex, float[][] probs, int[] labels, float threshold) {
        int k = classes.size();
        if (probs.length != labels.length) {
            throw new IllegalArgumentException(probs.length + " score rows but " + labels.length + " labels");
        }
        if (probs.length == 0) throw new IllegalArgumentException("nothing to evaluate: 0 samples");
        if (okIndex < 0 || okIndex >= k) throw new IllegalArgumentException("ok index " + okIndex + " is not a class of " + classes);
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be between 0 and 1, got " + threshold);
        }
        int n = probs.length;
        float[] scores = new float[n];
        boolean[] defective = new boolean[n];
        int[][] confusion = new int[k][k];
        int correct = 0;
        int ok = 0;
        int escapes = 0;
        int falseRejects = 0;
        for (int i = 0; i < n; i++) {
            if (probs[i].length != k) {
                throw new IllegalArgumentException("sample " + i + " has " + probs[i].length + " class scores, expected " + k);
            }
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException("label " + labels[i] + " of sample " + i + " is not a class index of " + classes);
            }
            scores[i] = defectScore(probs[i], okIndex);
            defective[i] = labels[i] != okIndex;
            int predicted = argMax(probs[i]);
            confusion[labels[i]][predicted]++;
            if (predicted == labels[i]) correct++;
            boolean rejected = scores[i] >= threshold;
            if (defective[i]) {
                if (!rejected) escapes++;
            } else {
                ok++;
                if (rejected) falseRejects++;
            }
        }
        int defects = n - ok;
        double auroc = ok > 0 && defects > 0 ? Metrics.auroc(scores, defective) : Double.NaN;
        return new Evaluation(List.copyOf(classes), threshold, auroc, (double) correct / n,
                defects > 0 ? (double) escapes / defects : Double.NaN, ok > 0 ? (double) falseRejects / ok : Double.NaN,
                ok, defects, confusion, rocCurve(scores, defective));
    }

    /**
     * The escape rate at the best threshold whose false-reject rate is at most {@code maxFalseRejects}
     * (on these samples): how many defects a line tuned to lose that few good parts lets through.
     * NaN without both good and defective samples.
     */
    public double escapeAtFalseRejectRate(double maxFalseRejects) {
        if (okCount == 0 || defectCount == 0) return Double.NaN;
        double bestRecall = 0;
        for (double[] corner : roc) {
            if (corner[0] <= maxFalseRejects + 1e-12) bestRecall = Math.max(bestRecall, corner[1]);
        }
        return 1 - bestRecall;
    }

    /**
     * The false-reject rate at the best threshold whose escape rate is at most {@code maxEscapes}:
     * how many good parts a line that may let that few defects through throws away. NaN without
     * both good and defective samples.
     */
    public double falseRejectAtEscapeRate(double maxEscapes) {
        if (okCount == 0 || defectCount == 0) return Double.NaN;
        double best = 1;
        for (double[] corner : roc) {
            if (corner[1] >= 1 - maxEscapes - 1e-12) best = Math.min(best, corner[0]);
        }
        return best;
    }

    /** The inspection score: {@code 1 - p(ok)}. */
    public static float defectScore(float[] probs, int okIndex) {
        return 1f - probs[okIndex];
    }

    /** Recall of each class: samples of the class predicted as that class / samples of the class (NaN if none). */
    public double[] perClassRecall() {
        double[] recall = new double[classes.size()];
        for (int t = 0; t < recall.length; t++) {
            int total = Arrays.stream(confusion[t]).sum();
            recall[t] = total == 0 ? Double.NaN : (double) confusion[t][t] / total;
        }
        return recall;
    }

    /** Figures as a JSON-friendly map (NaN becomes null). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("auroc", finite(auroc));
        m.put("accuracy", finite(accuracy));
        m.put("escapeRate", finite(escapeRate));
        m.put("falseRejectRate", finite(falseRejectRate));
        m.put("threshold", threshold);
        m.put("escapeAtFrr1", finite(escapeAtFalseRejectRate(0.01)));
        m.put("frrAtEscape1", finite(falseRejectAtEscapeRate(0.01)));
        m.put("n", Map.of("ok", okCount, "defect", defectCount));
        Map<String, Object> recall = new LinkedHashMap<>();
        double[] r = perClassRecall();
        for (int t = 0; t < r.length; t++) recall.put(classes.get(t), finite(r[t]));
        m.put("perClassRecall", recall);
        Map<String, Object> matrix = new LinkedHashMap<>();
        for (int t = 0; t < classes.size(); t++) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int p = 0; p < classes.size(); p++) row.put(classes.get(p), confusion[t][p]);
            matrix.put(classes.get(t), row);
        }
        m.put("confusion", matrix);
        m.put("confusionLayout", "confusion[true class][predicted class], predicted = most probable class");
        m.put("scoreDefinition", "defect score = 1 - p(ok); rejected when >= threshold");
        return m;
    }

    private static Object finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /**
     * ROC corners: scores sorted from high to low; each distinct score is a threshold that adds
     * its samples at once (ties move diagonally).
     */
    static List<double[]> rocCurve(float[] scores, boolean[] positive) {
        int n = scores.length;
        int positives = 0;
        for (boolean p : positive) if (p) positives++;
        int negatives = n - positives;
        List<double[]> points = new ArrayList<>();
        points.add(new double[] {0, 0, Double.POSITIVE_INFINITY});
        if (positives == 0 || negatives == 0) return points;
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        int tp = 0;
        int fp = 0;
        for (int i = 0; i < n; ) {
            float s = scores[order[i]];
            while (i < n && scores[order[i]] == s) {
                if (positive[order[i]]) tp++;
                else fp++;
                i++;
            }
            points.add(new double[] {(double) fp / negatives, (double) tp / positives, s});
        }
        return points;
    }

    private static int argMax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
