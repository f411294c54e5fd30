package io.sightline.bench.faults;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A wall clock that an operator or NTP steps while the station runs: the system's clock plus an
 * offset that {@link #step} moves by minutes at a time. The station reads the wall clock only
 * through the {@link Clock} it is given, so stepping this one is stepping the station's wall clock,
 * without root and without disturbing the machine (see {@link ClockStepScenario} for what that
 * does and does not cover).
 */
final class SteppedClock extends Clock {
    private final Clock system;
    private final AtomicLong offsetMillis;

    SteppedClock(Clock system) {
        this(system, new AtomicLong());
    }

    private SteppedClock(Clock system, AtomicLong offsetMillis) {
        this.system = system;
        this.offsetMillis = offsetMillis;
    }

    /** Steps the clock by {@code by} (negative: back). */
    void step(Duration by) {
        offsetMillis.addAndGet(by.toMillis());
    }

    /** How far this clock is off the system's. */
    Duration offset() {
        return Duration.ofMillis(offsetMillis.get());
    }

    @Override
    public ZoneId getZone() {
        return system.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new SteppedClock(system.withZone(zone), offsetMillis);
    }

    @Override
    public long millis() {
        return system.millis() + offsetMillis.get();
    }

    @Override
    public Instant instant() {
        return system.instant().plusMillis(offsetMillis.get());
    }
}
