package io.sightline.postprocess;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.postprocess.trend.TrendAlarm;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every reject sink must do, whatever it speaks: deliver every reject, result and trend
 * alarm it is given, say whether it is up, and never block its caller, even with its destination
 * down. One subclass per sink, each against the real destination.
 */
abstract class RejectSinkContract {
    /** A sink connected to a live destination. */
    protected abstract RejectSink newSink() throws Exception;

    /** Where a subclass whose destination calls back (a subscriber, an observer) records what arrived. */
    protected final List<String> arrivals = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    /**
     * What the destination received so far, one string per signal: "reject L P", "result L P D",
     * "trend L detector". By default what was recorded in {@link #arrivals}.
     */
    protected List<String> received() throws Exception {
        synchronized (arrivals) {
            return new java.util.ArrayList<>(arrivals);
        }
    }

    /**
     * Whether the sink's trend messages carry the LSTM's forecast: {@link #received()} then holds
     * "forecast L rate lower upper level limit" for an alarm that has one.
     */
    protected boolean carriesForecast() {
        return false;
    }

    /**
     * Whether the sink's trend messages carry the defect class of a per-class alarm: {@link #received()}
     * then holds "class L NAME" for an alarm that names one (and nothing for the whole line's).
     */
    protected boolean carriesClass() {
        return false;
    }

    /** The "forecast ..." arrival of a JSON trend message's forecast object. */
    static String forecast(int line, com.fasterxml.jackson.databind.JsonNode f) {
        return "forecast " + line + " " + f.get("rate").asDouble() + " " + f.get("lower").asDouble() + " " + f.get("upper").asDouble() + " "
                + f.get("level").asDouble() + " " + f.get("limit").asDouble();
    }

    /** A sink whose destination does not answer, with room for {@code capacity} signals; null if the sink has no such state. */
    protected RejectSink newSinkToNowhere(int capacity) throws Exception {
        return null;
    }

    @Test
    void everySignalArrives() throws Exception {
        try (RejectSink sink = newSink()) {
            for (int i = 0; i < 50; i++) {
                Outcome o = i % 5 == 0 ? Outcome.REJECT_DEFECT : i % 7 == 0 ? Outcome.FAILSAFE_LATE : Outcome.PASS;
                if (o.isReject()) sink.reject(i % 2, i, o, o == Outcome.FAILSAFE_LATE ? Float.NaN : 0.9f, System.nanoTime());
                sink.result(i % 2, i, o, o == Outcome.FAILSAFE_LATE ? Float.NaN : 0.3f);
            }
            sink.trendAlarm(new TrendAlarm(1, "cusum", 0, 49, 9.5, 8.0, true, "statistic above the upper control limit"));
            sink.trendAlarm(new TrendAlarm(0, "lstm", 0, 300, 0.04, 0.03, true, "forecast reject rate above the limit",
                    new TrendAlarm.Forecast(0.06, 0.04, 0.09, 0.9, 500, 0.03)));
            sink.trendAlarm(new TrendAlarm(1, "rate-cusum", 0, 640, 5.4, 5.0, true, "class rate above 3.0x its in-control rate",
                    null, "crack"));
            int expected = 50 + 16 + 3 + (carriesForecast() ? 1 : 0) + (carriesClass() ? 1 : 0);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<String> got = received();
            while (got.size() < expected && System.nanoTime() < deadline) {
                Thread.sleep(20);
                got = received();
            }
            assertTrue(got.contains("reject 0 0"), got.toString());
            assertTrue(got.contains("reject 1 7"), "a fail-safe reject arrives too: " + got);
            assertTrue(got.contains("result 1 47 pass"), got.toString());
            assertTrue(got.contains("result 1 49 failsafe"), got.toString());
            assertTrue(got.contains("trend 1 cusum"), got.toString());
            assertTrue(got.contains("trend 0 lstm"), got.toString());
            if (carriesForecast()) assertTrue(got.contains("forecast 0 0.06 0.04 0.09 0.9 0.03"), "the LSTM's forecast arrives with its alarm: " + got);
            assertTrue(got.contains("trend 1 rate-cusum"), got.toString());
            if (carriesClass()) {
                assertEquals(List.of("class 1 crack"), got.stream().filter(s -> s.startsWith("class")).toList(),
                        "the class alarm names its class, the whole line's alarms none: " + got);
            }
            long rejects = got.stream().filter(s -> s.startsWith("reject")).count();
            assertEquals(10 + 6, rejects, "every reject once: " + got);
            assertEquals(50, got.stream().filter(s -> s.startsWith("result")).count());
            assertTrue(sink.health().up(), sink.health().toString());
            assertEquals(0, sink.health().dropped());
        }
    }

    @Test
    void aDestinationThatIsDownNeverBlocksAndOverflowIsCounted() throws Exception {
        RejectSink sink = newSinkToNowhere(10);
        org.junit.jupiter.api.Assumptions.assumeTrue(sink != null,
                getClass().getSimpleName() + ": this sink has no remote end that could be down");
        try (sink) {
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                for (int i = 0; i < 100; i++) sink.reject(0, i, Outcome.REJECT_DEFECT, 0.9f, System.nanoTime());
            }, "a sink must not block its caller while its destination is down");
            SinkHealth h = sink.health();
            assertFalse(h.up(), h.toString());
            // the queue holds 10, and the delivery thread may hold one more batch of at most 10 it keeps retrying
            assertTrue(h.dropped() >= 100 - 2 * 10, "what did not fit the buffer is counted: " + h);
            assertTrue(h.dropped() < 100, "the buffer took what it had room for: " + h);
        }
    }
}
