package io.sightline.bench.faults;

import io.sightline.capture.FrameSource;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.Outcome;
import io.sightline.station.StationAttachments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The decision journal's file system fails under the running station: it turns read-only
 * ({@code journal-read-only}) or fills up ({@code journal-disk-full}); see {@link JournalVolume}.
 *
 * <p>What must happen (README, Decision journal, "Journal failure"): the part whose outcome could
 * not be recorded is rejected fail-safe ({@code error}) instead of passing, the station stops the
 * line, and every part already in flight still gets its outcome. Every pass that was signalled is
 * in the journal. There is no recovery to wait for: a stopped line is the fail-safe, and the
 * scenario's "after" phase only checks that nothing else happens.
 */
final class JournalFaultScenario implements FaultScenario {
    static final double FPS_PER_LINE = 50;

    private final JournalVolume.Kind kind;

    JournalFaultScenario(JournalVolume.Kind kind) {
        this.kind = kind;
    }

    @Override
    public String name() {
        return kind == JournalVolume.Kind.READ_ONLY ? "journal-read-only" : "journal-disk-full";
    }

    @Override
    public String fault() {
        return kind == JournalVolume.Kind.READ_ONLY
                ? "the journal's file system (ext4 on a loop device) turns read-only after an error"
                : "the journal's file system (a tmpfs of " + JournalVolume.TMPFS_KB + " KB) is filled up";
    }

    @Override
    public String missingRequirement() {
        return JournalVolume.missing(kind);
    }

    @Override
    public ScenarioResult run(FaultContext ctx) throws Exception {
        Timeline t = new Timeline(ctx.seconds(5, 2), ctx.seconds(10, 2), ctx.seconds(5, 1));
        Path dir = ctx.newDir(name() + "-");
        OutcomeLog log = new OutcomeLog(t);
        Map<String, Object> d = new LinkedHashMap<>();
        StationRun.Figures f;
        long appended;
        String closeError = null;
        String options;
        long[] failedAt = {0};
        try (JournalVolume volume = JournalVolume.mount(kind, dir)) {
            Path journalFile = volume.dir().resolve("journal.db");
            DecisionJournal journal = DecisionJournal.open(journalFile, new String[] {"line-0", "line-1"},
                    ctx.model().info().name() + " " + ctx.model().info().version(), "none", false);
            try {
                List<FrameSource> sources = new ArrayList<>();
                for (int i = 0; i < FaultContext.LINES; i++) {
                    sources.add(new TriggeredCamera("triggered:line-" + i, ctx.replay(i), t, FPS_PER_LINE, FPS_PER_LINE));
                }
                f = StationRun.run(ctx.config(FPS_PER_LINE, FaultContext.RELAXED_DEADLINE_MILLIS), ctx.model(), sources,
                        StationAttachments.of(log).withJournal(journal), t, new StationRun.Hooks() {
                            @Override
                            public void atFaultStart() throws Exception {
                                volume.fail();
                                failedAt[0] = System.nanoTime();
                            }
                        });
                appended = journal.appended();
            } finally {
                try {
                    journal.close();
                } catch (DecisionJournal.JournalException e) {
                    closeError = e.getMessage();
                }
            }
            options = volume.options();
            d.put("fillerBytes", volume.fillerBytes());
            // what the journal holds, read from a copy: its own folder may not take SQLite's -shm any more
            Path copy = ctx.newDir(name() + "-copy-");
            for (String suffix : List.of("", "-wal")) {
                Path from = volume.dir().resolve("journal.db" + suffix);
                if (Files.exists(from)) Files.copy(from, copy.resolve("journal.db" + suffix), StandardCopyOption.REPLACE_EXISTING);
            }
            d.put("journaledRows", (long) DecisionJournal.query(copy.resolve("journal.db"), null, null, null, 10_000_000).size());
            d.put("journaledPasses", (long) DecisionJournal.query(copy.resolve("journal.db"), null, null, "pass", 10_000_000).size());
        }
        long captured = f.stats().captured();
        long errors = log.count(Outcome.FAILSAFE_ERROR);
        long pass = log.count(Outcome.PASS);
        boolean stoppedForJournal = f.lineStopReason() != null && f.lineStopReason().contains("journal");
        long afterStop = log.lastOutcomeNanos();
        d.put("lineStopReason", f.lineStopReason());
        d.put("mountOptionsAfter", options);
        d.put("appended", appended);
        d.put("signalledPasses", pass);
        d.put("failSafeErrors", errors);
        d.put("normalDuringFault", log.normal(Timeline.Phase.FAULT));
        d.put("outcomesAfterFault", log.normal(Timeline.Phase.AFTER) + log.failSafe(Timeline.Phase.AFTER));
        d.put("lastOutcomeAfterFaultMs", afterStop == 0 || failedAt[0] == 0 ? null : StationRun.round((afterStop - failedAt[0]) / 1e6));
        d.put("journalCloseError", closeError);
        boolean passesJournaled = ((Number) d.get("journaledPasses")).longValue() == pass;
        String notes = String.format(Locale.ROOT, "line %s (%s); %d of %d parts got a fail-safe error, the last outcome %s ms"
                        + " after the fault; %d passes signalled, %d of them in the journal (%d rows); mount %s",
                stoppedForJournal ? "stopped" : "NOT stopped", f.lineStopReason(), errors, captured,
                d.get("lastOutcomeAfterFaultMs"), pass, d.get("journaledPasses"), d.get("journaledRows"), options);
        return StationRun.result(this, f, log, t, Set.of(Outcome.FAILSAFE_ERROR), stoppedForJournal && passesJournaled && errors > 0,
                true, notes, d);
    }
}
