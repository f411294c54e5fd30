package io.sightline.inference;

import java.util.Arrays;

/** Classification figures shared by training, evaluation and threshold calibration. */
public final class Metrics {
    private Metrics() {}

    /**
     * Area under the ROC curve: the probability that a random positive scores higher than a random
     * negative, ties counting one half (Mann-Whitney U with average ranks for tied scores).
     *
     * @param scores one score per sample, higher meaning more likely positive (e.g. 1 - p(ok))
     * @param positive whether each sample is positive (e.g. a defect)
     * @throws IllegalArgumentException if the lengths differ, a score is NaN, or there is not at
     *     least one positive and one negative sample
     */
    public static double auroc(float[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException("AUROC needs one label per score, got " + scores.length + " scores and "
                    + positive.length + " labels");
        }
        long positives = 0;
        for (int i = 0; i < scores.length; i++) {
            if (Float.isNaN(scores[i])) throw new IllegalArgumentException("AUROC: score " + i + " is NaN");
            if (positive[i]) positives++;
        }
        long negatives = scores.length - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("AUROC needs at least one positive and one negative sample, got "
                    + positives + " positives and " + negatives + " negatives");
        }
        Integer[] order = new Integer[scores.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Float.compare(scores[a], scores[b]));
        double positiveRankSum = 0;
        int start = 0;
        while (start < order.length) {
            int end = start + 1;
            while (end < order.length && scores[order[end]] == scores[order[start]]) end++;
            double averageRank = (start + 1 + end) / 2.0; // ranks start..end-1, 1-based
            for (int i = start; i < end; i++) {
                if (positive[order[i]]) positiveRankSum += averageRank;
            }
            start = end;
        }
        double u = positiveRankSum - positives * (positives + 1) / 2.0;
        return u / ((double) positives * negatives);
    }
}
