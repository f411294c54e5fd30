package io.sightline.postprocess;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RejectSchedulerTest {
    record Event(long id, RejectScheduler.Action action, long at) {}

    @Test
    void partsReachTheEjectorInOrderAndUndecidedOnesAreRejected() {
        List<Event> events = new ArrayList<>();
        RejectScheduler s = new RejectScheduler(1000, 16, (id, a, at) -> events.add(new Event(id, a, at)));
        s.captured(0, 0);
        s.captured(1, 100);
        s.captured(2, 200);
        s.decided(0, true);
        s.decided(1, false);
        s.advance(999);
        assertTrue(events.isEmpty(), "nothing is due before the travel");
        s.advance(1100);
        assertEquals(List.of(new Event(0, RejectScheduler.Action.FIRE_REJECT, 1000), new Event(1, RejectScheduler.Action.PASS, 1100)),
                events);
        s.advance(1250); // part 2 is still undecided when it reaches the ejector
        assertEquals(new Event(2, RejectScheduler.Action.FIRE_LATE, 1200), events.get(2));
        assertEquals(1, s.late());
        s.decided(2, false); // too late: the part is gone (it was rejected)
        assertEquals(1, s.unknownDecisions());
        s.decided(77, true); // an id that was never in flight
        assertEquals(2, s.unknownDecisions());
        assertEquals(2, s.fired());
        assertEquals(1, s.passed());
        assertEquals(0, s.inFlight());
    }

    @Test
    void aLostTriggerIsRejectedAndAnExtraOneCannotMakeAPartPass() {
        List<Event> events = new ArrayList<>();
        RejectScheduler s = new RejectScheduler(500, 16, (id, a, at) -> events.add(new Event(id, a, at)));
        s.sensed(0);
        s.sensed(10);
        s.sensed(20);
        s.captured(100); // frame for the part sensed at 0
        s.captured(101); // frame for the part sensed at 10; the part at 20 never gets one
        s.decided(100, false);
        s.decided(101, false);
        s.advance(600);
        assertEquals(List.of(new Event(100, RejectScheduler.Action.PASS, 500), new Event(101, RejectScheduler.Action.PASS, 510),
                new Event(-1, RejectScheduler.Action.FIRE_LOST_TRIGGER, 520)), events);
        assertEquals(1, s.lostTriggers());

        s.sensed(1000);
        s.captured(200);
        s.captured(201); // a frame with no part under it
        assertEquals(1, s.extraTriggers());
        s.decided(201, false); // its pass decision finds no part
        assertEquals(1, s.unknownDecisions());
        s.advance(1500);
        assertEquals(new Event(200, RejectScheduler.Action.FIRE_LATE, 1500), events.get(3), "the real part is still undecided");
    }

    @Test
    void encoderCountsThatWrapAroundStillOrder() {
        List<Event> events = new ArrayList<>();
        RejectScheduler s = new RejectScheduler(100, 4, (id, a, at) -> events.add(new Event(id, a, at)));
        long nearMax = Long.MAX_VALUE - 50;
        s.captured(1, nearMax);
        s.decided(1, true);
        s.advance(nearMax + 99);
        assertTrue(events.isEmpty());
        s.advance(nearMax + 100); // wrapped past Long.MAX_VALUE
        assertEquals(1, events.size());
        assertEquals(RejectScheduler.Action.FIRE_REJECT, events.get(0).action());
    }

    @Test
    void aFullScheduleSendsTheOldestPartOutFailSafe() {
        List<Event> events = new ArrayList<>();
        RejectScheduler s = new RejectScheduler(1000, 2, (id, a, at) -> events.add(new Event(id, a, at)));
        s.captured(1, 0);
        s.captured(2, 10);
        s.captured(3, 20); // no room: part 1 leaves the schedule now, undecided, so rejected
        assertEquals(1, s.overflow());
        assertEquals(new Event(1, RejectScheduler.Action.FIRE_LATE, 1000), events.get(0));
        assertEquals(2, s.inFlight());
        assertThrows(IllegalArgumentException.class, () -> new RejectScheduler(0, 2, (id, a, at) -> { }));
    }
}
