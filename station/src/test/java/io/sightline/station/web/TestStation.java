package io.sightline.station.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.capture.FrameSource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.ModelPackage;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.RejectSink;
import io.sightline.postprocess.trend.CusumChart;
import io.sightline.postprocess.trend.EwmaChart;
import io.sightline.station.Station;
import io.sightline.station.StationConfig;
import io.sightline.station.StationAttachments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real station for the web tests: the committed default model, synthetic cameras, a decision
 * journal and two trend detectors (CUSUM and EWMA, short baselines so they are past it at once).
 */
final class TestStation implements AutoCloseable {
    final ModelPackage model;
    final DecisionJournal journal;
    final Path journalFile;
    final Station station;
    final AtomicLong rejectSignals = new AtomicLong();

    /**
     * @param maxFrames frames per line, -1 for a station that runs until closed
     */
    TestStation(Path dir, int lines, int width, int height, double fps, long maxFrames, double defectRate) {
        Path modelDir = Path.of(System.getProperty("sightline.home", ".")).resolve("models/default");
        assertTrue(Files.isDirectory(modelDir), "the default model package must be committed at " + modelDir);
        model = ModelPackage.load(modelDir);
        List<FrameSource> cameras = new ArrayList<>();
        String[] names = new String[lines];
        for (int i = 0; i < lines; i++) {
            names[i] = "web-" + i;
            cameras.add(new SyntheticPartCamera(names[i], new SyntheticPartCamera.Options(width, height, defectRate, 300 + i, 8)));
        }
        journalFile = dir.resolve("journal.db");
        journal = DecisionJournal.open(journalFile, names, "default", "none", false);
        RejectSink sink = new RejectSink() {
            @Override
            public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {
                rejectSignals.incrementAndGet();
            }
        };
        StationConfig config = StationConfig.defaults(model.dir()).withLines(lines).withFps(fps).withMaxFramesPerLine(maxFrames)
                .withRejectDelayMillis(5_000);
        station = Station.create(config, model, cameras, StationAttachments.of(sink).withJournal(journal)
                .withTrend(List.of(new CusumChart(lines, 20, 0.5, 8), new EwmaChart(lines, 20, 0.1, 3)), null));
    }

    @Override
    public void close() throws InterruptedException {
        try {
            station.close();
        } finally {
            journal.close();
            model.close();
        }
    }
}
