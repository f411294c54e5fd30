package io.sightline.station.ring;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;

/**
 * How the station's handlers wait, on a machine with fewer cores than threads: blocked, never
 * spinning, and woken by the event they wait for.
 *
 * <p>A handler waits either for the cameras to publish (the preprocessing handlers) or for the
 * handler before it to finish (inference waits for preprocessing, the decision for inference).
 * The Disruptor's {@code BlockingWaitStrategy} blocks on the first but busy-spins on the second,
 * so while inference computes a batch the decision handler burns a core spinning; on 2 cores that
 * core is taken from preprocessing and inference (measured at 1,000 frames/s: the spinning decision
 * thread used 84% of a core, the station 1.9 ms of CPU per frame). Parking in a loop instead costs
 * a wake-up every few tens of microseconds per waiting handler.
 *
 * <p>Here both waits block on a monitor. A publish wakes the handlers waiting for the cameras.
 * A handler that finishes frames publishes its progress through {@link StageProgress}, which wakes
 * the handlers waiting on handlers. The second wait also wakes every
 * {@value #STAGE_WAIT_MILLIS} ms by itself, so a handler that advances without saying so (the
 * Disruptor's own bookkeeping after an exception) delays the next stage by at most that, and a
 * halt is seen within it.
 *
 * <p>A handler waiting for the cameras gets a {@link TimeoutException} (the Disruptor then calls
 * its {@code onTimeout}) when nothing was published for {@value #PUBLISH_WAIT_MILLIS} ms: the
 * inspection workers use it to run a batch they were holding back for company.
 */
public final class StageWaitStrategy implements WaitStrategy {
    static final long STAGE_WAIT_MILLIS = 2;
    static final long PUBLISH_WAIT_MILLIS = 1;

    private final Object published = new Object();
    private final Object advanced = new Object();

    @Override
    public long waitFor(long sequence, Sequence cursor, Sequence dependent, SequenceBarrier barrier)
            throws AlertException, InterruptedException, TimeoutException {
        long available = dependent.get();
        if (available >= sequence) return available;
        if (dependent == cursor) {
            synchronized (published) {
                if ((available = cursor.get()) < sequence) {
                    barrier.checkAlert();
                    published.wait(PUBLISH_WAIT_MILLIS);
                    barrier.checkAlert();
                    if ((available = cursor.get()) < sequence) throw TimeoutException.INSTANCE;
                }
            }
        } else {
            synchronized (advanced) {
                while ((available = dependent.get()) < sequence) {
                    barrier.checkAlert();
                    advanced.wait(STAGE_WAIT_MILLIS);
                }
            }
        }
        return available;
    }

    /** A publish (or a halt): wakes the handlers waiting for the cameras. */
    @Override
    public void signalAllWhenBlocking() {
        synchronized (published) {
            published.notifyAll();
        }
    }

    /** A handler finished frames: wakes the handlers waiting on handlers. */
    void stageAdvanced() {
        synchronized (advanced) {
            advanced.notifyAll();
        }
    }
}
