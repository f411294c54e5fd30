package io.sightline.bench.faults;

import io.sightline.capture.FrameSource;
import io.sightline.capture.ReconnectingSource;
import io.sightline.capture.ReplaySource;
import io.sightline.capture.WatchedFolderSource;
import io.sightline.postprocess.Outcome;
import io.sightline.station.StationAttachments;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Corrupt frames: a camera writes its pictures into a folder the station watches (the real
 * {@link WatchedFolderSource} behind a {@link ReconnectingSource}, as {@code watch:DIR?settle=0}
 * opens it), and for 10 s (full length) every 5th file is bad: random bytes, a PNG cut short, a
 * PNG of the wrong size. Each bad file must be a fail-safe {@code unreadable} reject, every good
 * one inspected. A file that does not decode gets the watched folder's second look a second later
 * (its writer may only have paused), so the last unreadable outcome comes up to a second after
 * the fault.
 */
final class CorruptFramesScenario implements FaultScenario {
    static final double FPS = 20;
    static final int EVERY = 5;

    @Override
    public String name() {
        return "corrupt-frames";
    }

    @Override
    public String fault() {
        return "a watched folder camera writes every 5th file bad for 10 s: random bytes, a PNG cut short, the wrong size";
    }

    @Override
    public ScenarioResult run(FaultContext ctx) throws Exception {
        Timeline t = new Timeline(ctx.seconds(5, 2), ctx.seconds(10, 2), ctx.seconds(5, 3));
        Path dir = ctx.newDir("watched-");
        ReplaySource pictures = ctx.replay(0);
        try (FolderCamera camera = new FolderCamera(dir, pictures, t, FPS, EVERY)) {
            WatchedFolderSource.Target target = WatchedFolderSource.parse("watch:" + dir + "?settle=0&size="
                    + pictures.maxWidth() + "x" + pictures.maxHeight());
            WatchedFolderSource.State state = new WatchedFolderSource.State();
            FrameSource source = new ReconnectingSource("watch:line-0",
                    () -> new WatchedFolderSource("watch:line-0", target.dir(), target.options(), state),
                    ReconnectingSource.Backoff.DEFAULT, Double.NaN);
            OutcomeLog log = new OutcomeLog(t);
            StationRun.Figures f = StationRun.run(ctx.config(FPS, FaultContext.RELAXED_DEADLINE_MILLIS).withLines(1),
                    ctx.model(), List.of(source), StationAttachments.of(log), t, new StationRun.Hooks() {
                        @Override
                        public void atEnd() throws Exception {
                            camera.stop();
                            // the station takes every file written, the last bad ones after their second look
                            long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                            while (state.files() < camera.written() && System.nanoTime() - limit < 0) Thread.sleep(10);
                        }
                    });
            long[] bad = camera.badWritten();
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("filesWritten", camera.written());
            d.put("filesTaken", state.files());
            d.put("badWritten", Map.of("garbage", bad[0], "truncated", bad[1], "wrongSize", bad[2]));
            d.put("unreadableBySource", state.unreadable());
            if (camera.failure() != null) d.put("writerFailure", camera.failure().toString());
            String notes = String.format(Locale.ROOT, "%d files at %.0f/s, %d bad; a bad file that does not decode is declared"
                    + " unreadable on the folder's second look, 1 s later", camera.written(), FPS, camera.badTotal());
            return StationRun.result(this, f, log, t, Set.of(Outcome.FAILSAFE_UNREADABLE), true, notes, d);
        } finally {
            pictures.close();
        }
    }
}
