package io.sightline.postprocess.trend.model;

import io.sightline.inference.TrendLstm;
import io.sightline.postprocess.trend.PartStreams;
import io.sightline.postprocess.trend.StreamReplay;
import io.sightline.postprocess.trend.TrendForecaster;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Fine-tuning the trend LSTM on one line's recorded history, judged on what it did not see.
 *
 * <pre>
 *   the line's stream, parts 0 .. n-1 in time order
 *     first four fifths --> sequences of STEPS windows every STRIDE windows (TrendModels.historySet)
 *                       --> TrendLstm.train from the shipped weights (the best epoch on held-out
 *                           sequences, the start itself included)
 *     last fifth        --> Brier skill of the forecast of a reject among the next N parts, before
 *                           (shipped) and after (fine-tuned), each having seen the stream from its start
 * </pre>
 */
public final class FineTune {
    /** Windows per fine-tuning sequence (2,000 parts) and between their starts. */
    public static final int STEPS = 80;
    public static final int STRIDE = 10;

    private FineTune() {}

    /** The part from which the last fifth is held out. */
    public static int heldOutFrom(PartStreams.Stream s) {
        return s.parts() - s.parts() / 5;
    }

    /**
     * The training sequences of the stream's first four fifths.
     *
     * @throws IllegalArgumentException naming the stream when it is too short for 4 sequences
     */
    public static TrendModels.Sequences sequences(PartStreams.Stream s, java.io.PrintStream err) {
        int from = heldOutFrom(s);
        PartStreams.Stream head = new PartStreams.Stream(s.file(), s.line(), Arrays.copyOf(s.scores(), from),
                Arrays.copyOf(s.rejected(), from), s.scored());
        TrendModels.Sequences set = TrendModels.historySet(List.of(head), STEPS, STRIDE, err);
        int needed = TrendModels.partsNeeded(STEPS + 3 * STRIDE);
        if (set == null || set.x().length < 4) {
            throw new IllegalArgumentException(s.file() + " line " + s.line() + ": " + s.parts() + " parts; fine-tuning needs at least "
                    + (needed * 5 / 4 + 1) + " (four fifths to train on: the " + TrendModels.BASELINE + "-part baseline and 4 sequences of "
                    + STEPS + " windows of " + TrendModels.WINDOW + ", one fifth held out)");
        }
        return set;
    }

    /** Fine-tunes {@code start} on the sequences: smaller steps than training from scratch. */
    public static TrendLstm.Trained train(TrendModels.Sequences set, TrendLstm.Weights start, int epochs, long seed,
                                          TrendLstm.Progress progress) {
        TrendLstm.TrainOptions options = new TrendLstm.TrainOptions(epochs, 8, 0.003f, seed, 0.2f);
        return TrendLstm.train(set.x(), set.y(), start, options, progress);
    }

    /** The forecasts' skill on the held-out last fifth, with {@code model} as the LSTM. */
    public static StreamReplay.Skills heldOutSkill(PartStreams.Stream s, TrendForecaster model, int horizon,
                                                   Map<String, Double> sensitivities) {
        StreamReplay.Setup setup = new StreamReplay.Setup(horizon, TrendModels.BASELINE, TrendModels.WINDOW, sensitivities, model);
        return StreamReplay.skills(s, setup, heldOutFrom(s));
    }
}
