package io.sightline.station.outcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.inference.TrendLstm;
import io.sightline.natives.Natives;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.JournalTrends;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.RejectSink;
import io.sightline.postprocess.trend.LstmTrendTracker;
import io.sightline.postprocess.trend.TrendLimit;
import io.sightline.postprocess.trend.model.TrendModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trend stage's forecast rows with the shipped trend LSTM on real TensorFlow and a real SQLite
 * journal: one per line per minute of capture time, with the forecast's interval and limit.
 */
class TrendRowsTest {
    @Test
    void eachLinesForecastIsJournalledOnceAMinuteOfCaptureTime(@TempDir Path tmp) {
        Path model = Path.of(System.getProperty("sightline.home", ".")).resolve("models/trend");
        assertTrue(Files.isDirectory(model), "the trend package must be committed at " + model);
        Natives.tensorflow();
        Path file = tmp.resolve("journal.db");
        long stepNanos = TimeUnit.MILLISECONDS.toNanos(100); // ten parts a second: 3,000 parts are 300 s of capture time
        try (TrendLstm.Runner runner = TrendLstm.Runner.load(model);
             DecisionJournal journal = DecisionJournal.open(file, new String[] {"a", "b"}, "m", "none", false)) {
            LstmTrendTracker lstm = new LstmTrendTracker(TrendModels.forecaster(runner), 2, TrendModels.WINDOW, TrendModels.BASELINE,
                    TrendLimit.multiple(3));
            TrendStage stage = new TrendStage(List.of(lstm), new boolean[][] {{true, false}}, new RejectSink() {
                @Override
                public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {}
            }, 2, List.of(), journal, TrendStage.FORECAST_JOURNAL_NANOS);
            SplittableRandom rng = new SplittableRandom(9);
            long t0 = 1_000_000_000L;
            for (int i = 0; i < 3000; i++) {
                for (int line = 0; line < 2; line++) {
                    boolean reject = rng.nextDouble() < 0.03;
                    stage.onOutcome(line, i, t0 + i * stepNanos, reject ? Outcome.REJECT_DEFECT : Outcome.PASS, reject ? 0.9f : 0.1f);
                }
            }
            assertEquals(0, stage.trendRowsNotJournalled());
        }
        List<JournalTrends.Row> forecasts = JournalTrends.read(file, null, null, JournalTrends.EVENT_FORECAST, 100);
        // the first forecast after the 500-part baseline and a window or two (the LSTM steps when its lines' windows are
        // due), then every 60 s: 5 in 300 s
        assertEquals(5, forecasts.size(), forecasts.toString());
        assertTrue(forecasts.stream().allMatch(r -> r.line() == 0), "line 1 has no LSTM: " + forecasts);
        assertTrue(forecasts.get(0).part() >= TrendModels.BASELINE + TrendModels.WINDOW - 1
                && forecasts.get(0).part() < TrendModels.BASELINE + 3 * TrendModels.WINDOW, forecasts.get(0).toString());
        for (int k = 1; k < forecasts.size(); k++) {
            long gapMicros = forecasts.get(k).atMicros() - forecasts.get(k - 1).atMicros();
            assertTrue(gapMicros >= 60_000_000L && gapMicros < 60_000_000L + 100_000, "a minute of capture time apart: " + gapMicros);
        }
        JournalTrends.Row f = forecasts.get(0);
        assertEquals("lstm", f.detector());
        assertTrue(f.lower() <= f.rate() && f.rate() <= f.upper(), f.toString());
        assertEquals(0.9, f.level(), 1e-9);
        assertTrue(f.horizonParts() > 0, f.toString());
        assertEquals(3 * f.baseRate(), f.limit(), 1e-9, "the limit is 3x the line's in-control rate");
        assertTrue(DecisionJournal.verify(file).intact());
    }
}
