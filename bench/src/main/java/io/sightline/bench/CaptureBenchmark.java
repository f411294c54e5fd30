package io.sightline.bench;

import io.sightline.capture.CapturedFrame;
import io.sightline.capture.ReplaySource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.natives.NativeBuffer;
import io.sightline.station.ring.StageProbes;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Pointer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Capture at the station's defaults (1280x1024 gray, defect rate 0.1):
 * <ul>
 *   <li>{@code syntheticGrab}: the synthetic part camera producing a frame (new light, noise and
 *       defects over a pre-rendered part), which the demo's camera threads pay;</li>
 *   <li>{@code replayIntoSlot}: what a camera thread pays per frame when the camera hands over a
 *       finished buffer: grab a recorded frame and copy its pixels into a ring slot;</li>
 *   <li>{@code replayHandedOver}: the same for a source whose pixels are stable (a replay), as the
 *       station does it: grab and point the slot at the frame's own buffer
 *       ({@code FrameSource.stablePixels}), no copy.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CaptureBenchmark {
    private SyntheticPartCamera camera;
    private ReplaySource replay;
    private NativeBuffer slot;
    private StageProbes.Pixels handOver;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        camera = new SyntheticPartCamera("bench", SyntheticPartCamera.Options.defaults());
        replay = ReplaySource.record("replay", camera, 16);
        slot = NativeBuffer.allocate((long) replay.maxWidth() * replay.maxHeight());
        handOver = new StageProbes.Pixels(replay.maxWidth(), replay.maxHeight(), 64, true);
    }

    @Benchmark
    public CapturedFrame syntheticGrab() throws Exception {
        return camera.grab();
    }

    @Benchmark
    public long replayIntoSlot() throws Exception {
        CapturedFrame f = replay.grab();
        Pointer.memcpy(slot.bytes(), f.pixels(), f.sizeBytes());
        return f.sequence();
    }

    @Benchmark
    public boolean replayHandedOver() throws Exception {
        return handOver.put(replay.grab());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        handOver.close();
        slot.close();
        replay.close();
        camera.close();
    }
}
