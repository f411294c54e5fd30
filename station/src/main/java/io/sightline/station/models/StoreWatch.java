package io.sightline.station.models;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a model store's live pointer: how {@code models promote} and {@code models rollback} reach
 * a running station (they only write {@code store.json}; no token, no network). Every
 * {@value #POLL_MILLIS} ms it reads the pointer; when it names another version than the one it saw
 * last, the station's {@link ModelSwitch} swaps to it, journaled as requested by the promotion's
 * author. A version the station refuses is logged and the old model keeps running; the pointer then
 * disagrees with the station until the next promotion or rollback (the dashboard shows both). Every
 * {@value #RECORD_EVERY_POLLS} polls it also has a running shadow's figures written into the store
 * ({@link ModelSwitch#recordShadow}).
 */
public final class StoreWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreWatch.class);
    static final long POLL_MILLIS = 1_000;
    /** A running shadow's figures go into the store (for {@code models promote}) every this many polls. */
    static final int RECORD_EVERY_POLLS = 5;
    private long polls;

    private final ModelStore store;
    private final ModelSwitch models;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String seen;

    /** @param seenLive the store's live version the station started with (null: none) */
    public StoreWatch(ModelStore store, ModelSwitch models, String seenLive) {
        this.store = store;
        this.models = models;
        this.seen = seenLive;
        this.thread = new Thread(this::run, "sightline-model-store");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(POLL_MILLIS);
                checkOnce();
                if (++polls % RECORD_EVERY_POLLS == 0) models.recordShadow();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("model store {}: {}", store.dir(), e.getMessage());
            }
        }
    }

    /** Reads the pointer once and swaps when it moved (what the thread does every second). */
    void checkOnce() throws InterruptedException {
        ModelStore.State s = store.state();
        String live = s.live();
        if (live == null || live.equals(seen)) return;
        seen = live;
        List<ModelStore.LogEntry> log = s.log();
        ModelStore.LogEntry last = log.isEmpty() ? null : log.get(log.size() - 1);
        String by = last == null ? "model store " + store.dir() : "models " + last.action() + " " + live + " by " + last.by();
        try {
            models.swap(store.versionDir(live), by);
        } catch (IllegalArgumentException e) { // a refused model (ModelSwitch.Refused) or a version gone from the store
            LOG.error("model store {}: live version {} not taken: {}", store.dir(), live, e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
