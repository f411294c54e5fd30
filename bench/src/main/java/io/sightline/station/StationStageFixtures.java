package io.sightline.station;

import io.sightline.capture.DefectKind;
import io.sightline.postprocess.RejectSink;
import io.sightline.preprocess.PreprocessSpec;
import java.util.List;

/**
 * Small ring slots and a counting sink for the benchmarks of the station's own handlers. These
 * benchmarks live in the station's package (inside the bench module) so that they drive the exact
 * package-private handler code the ring runs, not a copy of it.
 */
final class StationStageFixtures {
    private StationStageFixtures() {}

    /** One 64x64 line: the hop, batching and decision costs do not depend on the frame size. */
    static List<LineSetup> smallLine(int inputSide) {
        return List.of(new LineSetup(64, 64, new PreprocessSpec(0, 0, 64, 64, inputSide, inputSide, 0f, 1f)));
    }

    static FrameEvent slot(List<LineSetup> lines, int floats) {
        return new FrameEvent(lines, floats);
    }

    /** Fills a slot the way a camera does, without the pixel copy (that is the capture benchmark's). */
    static void arm(FrameEvent e, long sequence, long nowNanos) {
        e.arm(sequence);
        e.line = 0;
        e.partId = sequence;
        e.captureNanos = nowNanos;
        e.deadlineNanos = nowNanos + 200_000_000L;
        e.truth = DefectKind.UNKNOWN;
        e.status = FrameEvent.STATUS_OK;
    }

    /** Counts reject signals, allocation-free. */
    static final class CountingSink implements RejectSink {
        long rejects;

        @Override
        public void reject(int line, long partId, io.sightline.postprocess.Outcome reason, float defectScore,
                           long deadlineNanos) {
            rejects++;
        }
    }
}
