package io.sightline.bench.faults;

import io.sightline.capture.FrameSource;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.JournalVerifier;
import io.sightline.station.StationAttachments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The wall clock steps while the station runs: back {@value #STEP_MINUTES} minutes at the fault's
 * start, forward twice that at its end (so it ends {@value #STEP_MINUTES} minutes ahead), as NTP
 * or an operator correcting a wrong clock does. The station runs with its decision journal and its
 * reject images, and the one {@link Clock} the composition root passes to both (and to the
 * station) is a {@link SteppedClock}.
 *
 * <p>What it covers: every reading of the wall clock in Sightline's own code goes through that
 * clock (the journal's anchor, the reject images' names and ages, the dashboard's time), and every
 * deadline, rate, latency and trend window runs on {@link System#nanoTime()}, which a step does not
 * move. What it does not cover: a real step of the system clock ({@code date -s}, needs root and
 * would disturb every other program on the machine), which is also what the libraries read
 * (log lines' stamps, the Kafka client's timeouts, TLS certificates' validity) and what the JVM's
 * own {@code System.currentTimeMillis} returns.
 *
 * <p>What must happen: every part accounted for, no fail-safe at all (a step is no reason to reject
 * a part), the journal's rows in decision order with their times never going back, its hash chain
 * intact ({@link DecisionJournal#verify}), and the journal's and the images' times carried on from
 * the clock's reading at start: neither jumps by the step.
 */
final class ClockStepScenario implements FaultScenario {
    static final double FPS_PER_LINE = 50;
    static final long STEP_MINUTES = 5;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

    @Override
    public String name() {
        return "clock-step";
    }

    @Override
    public String fault() {
        return "the station's wall clock steps back " + STEP_MINUTES + " min, then forward " + 2 * STEP_MINUTES
                + " min 10 s later (journal and reject images on)";
    }

    @Override
    public ScenarioResult run(FaultContext ctx) throws Exception {
        Timeline t = new Timeline(ctx.seconds(5, 2), ctx.seconds(10, 2), ctx.seconds(5, 2));
        Path dir = ctx.newDir(name() + "-");
        Path journalFile = dir.resolve("journal.db");
        Path images = dir.resolve("images");
        SteppedClock clock = new SteppedClock(Clock.systemDefaultZone());
        Duration step = Duration.ofMinutes(STEP_MINUTES);
        long openedAtMillis = clock.millis();
        OutcomeLog log = new OutcomeLog(t);
        StationRun.Figures f;
        try (DecisionJournal journal = DecisionJournal.open(journalFile, new String[] {"line-0", "line-1"},
                ctx.model().info().name() + " " + ctx.model().info().version(), "none", false, clock)) {
            List<FrameSource> sources = new ArrayList<>();
            for (int i = 0; i < FaultContext.LINES; i++) {
                sources.add(new TriggeredCamera("triggered:line-" + i, ctx.replay(i), t, FPS_PER_LINE, FPS_PER_LINE));
            }
            StationAttachments outputs = StationAttachments.of(log).withJournal(journal).withClock(clock)
                    .withRejectImages(new StationAttachments.RejectImageSettings(images, 1L << 30, Duration.ofDays(1)));
            f = StationRun.run(ctx.config(FPS_PER_LINE, FaultContext.RELAXED_DEADLINE_MILLIS), ctx.model(), sources, outputs, t,
                    new StationRun.Hooks() {
                        @Override
                        public void atFaultStart() {
                            clock.step(step.negated());
                        }

                        @Override
                        public void atFaultEnd() {
                            clock.step(step.multipliedBy(2));
                        }
                    });
        }
        long endMillis = clock.millis();
        double runSeconds = (System.nanoTime() - f.startNanos()) / 1e9;
        JournalVerifier.Report verify = DecisionJournal.verify(journalFile);
        List<DecisionJournal.Entry> rows = DecisionJournal.query(journalFile, null, null, null, 10_000_000);
        long backwards = 0;
        for (int i = 1; i < rows.size(); i++) {
            if (rows.get(i).id() <= rows.get(i - 1).id() || rows.get(i).decidedMicros() < rows.get(i - 1).decidedMicros()) backwards++;
        }
        long firstMicros = rows.isEmpty() ? 0 : rows.get(0).decidedMicros();
        long lastMicros = rows.isEmpty() ? 0 : rows.get(rows.size() - 1).decidedMicros();
        // the run's span on the monotonic clock, from the journal's open to the scenario's end, plus a second's slack
        long spanMillis = Math.round(runSeconds * 1000) + 1_000;
        long[] stamps = imageStamps(images, clock, openedAtMillis - 1, openedAtMillis + spanMillis);
        long imagesOutside = stamps[2];
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("stepsMinutes", List.of(-STEP_MINUTES, 2 * STEP_MINUTES));
        d.put("clockOffsetAtEndS", clock.offset().toSeconds());
        d.put("journalRows", (long) rows.size());
        d.put("journalChainIntact", verify.intact());
        d.put("journalBreaks", verify.breaks().stream().map(String::valueOf).toList());
        d.put("journalRowsOutOfOrder", backwards);
        d.put("journalFirstDecidedAfterOpenS", StationRun.round((firstMicros / 1000 - openedAtMillis) / 1e3));
        d.put("journalSpanS", StationRun.round((lastMicros - firstMicros) / 1e6));
        d.put("journalLastDecidedBehindSteppedClockS", StationRun.round((endMillis - lastMicros / 1000) / 1e3));
        d.put("rejectImages", stamps[0]);
        d.put("rejectImageStampsSpanS", StationRun.round(stamps[1] / 1e3));
        d.put("rejectImagesStampedOutsideRun", imagesOutside);
        boolean journalOk = verify.intact() && backwards == 0 && rows.size() == f.stats().captured()
                && firstMicros / 1000 >= openedAtMillis - 1 && lastMicros / 1000 <= openedAtMillis + spanMillis;
        boolean noFailSafe = log.failSafe(Timeline.Phase.BEFORE) + log.failSafe(Timeline.Phase.FAULT) + log.failSafe(Timeline.Phase.AFTER) == 0;
        String notes = String.format(Locale.ROOT, "clock stepped -%d then +%d min; %s fail-safe; journal: %d rows, chain %s, %d out of"
                        + " order, times span %.1f s from the clock's reading at open (the run: %.1f s), so %.0f s behind the"
                        + " stepped clock at the end; %d reject images, %d stamped outside the run",
                STEP_MINUTES, 2 * STEP_MINUTES, noFailSafe ? "no" : "SOME", rows.size(), verify.intact() ? "intact" : "BROKEN",
                backwards, (lastMicros - firstMicros) / 1e6, runSeconds, (endMillis - lastMicros / 1000) / 1e3, stamps[0], imagesOutside);
        return StationRun.result(this, f, log, t, Set.of(), journalOk && noFailSafe && imagesOutside == 0 && stamps[0] > 0, notes, d);
    }

    /**
     * The reject images' count, the span of their names' stamps (ms), and how many are stamped outside
     * {@code [fromMillis, toMillis]} (the run, from the clock's reading when the station was set up).
     */
    private static long[] imageStamps(Path images, Clock clock, long fromMillis, long toMillis) throws java.io.IOException {
        if (!Files.isDirectory(images)) return new long[] {0, 0, 0};
        long n = 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long outside = 0;
        try (Stream<Path> files = Files.walk(images)) {
            for (Path p : (Iterable<Path>) files.filter(x -> x.toString().endsWith(".png"))::iterator) {
                String name = p.getFileName().toString();
                long ms = LocalDateTime.parse(name.substring(0, name.indexOf('_')), STAMP).atZone(clock.getZone()).toInstant().toEpochMilli();
                min = Math.min(min, ms);
                max = Math.max(max, ms);
                if (ms < fromMillis || ms > toMillis) outside++;
                n++;
            }
        }
        return new long[] {n, n == 0 ? 0 : max - min, outside};
    }
}
