package io.sightline.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * A live camera stream served on loopback by {@link FFmpegFrameRecorder}: lossless FFV1 gray
 * frames of {@link FrameSourceContract#pattern} in a NUT stream over TCP, paced like a camera.
 * Each connection gets {@code framesPerConnection[k]} frames (the last entry repeats), numbered
 * on from where the previous connection stopped, then the server hangs up: a stream that ends, or
 * a camera that drops off the network.
 *
 * <p>JavaCV's {@code FFmpegFrameGrabber.start()} and {@code FFmpegFrameRecorder.start()/stop()}
 * share one lock, and a grabber holds it while it waits for the stream's header. So each
 * connection's recorder is started <em>before</em> the client connects, writing its header into a
 * buffer that is flushed to the client once it is there: every connection's recorder is started
 * up front and released only when the server closes, so the server never needs the lock while a
 * client waits for it. A connection ends by hanging up, with no trailer, like a camera unplugged.
 */
final class LoopbackStreamServer implements AutoCloseable {
    private final ServerSocket server;
    private Thread thread;
    private final int[] framesPerConnection;
    private final long periodMillis;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closed;

    LoopbackStreamServer(long periodMillis, int... framesPerConnection) throws IOException {
        this.framesPerConnection = framesPerConnection;
        this.periodMillis = periodMillis;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try {
            for (int k = 0; k < framesPerConnection.length + 3; k++) {
                Pending out = new Pending();
                outputs.add(out);
                recorders.add(start(out));
            }
        } catch (FFmpegFrameRecorder.Exception e) {
            close();
            throw new IOException("cannot start the stream recorder", e);
        }
        this.thread = new Thread(this::serve, "loopback-stream");
        thread.setDaemon(true);
        thread.start();
    }

    private final java.util.List<Pending> outputs = new java.util.ArrayList<>();
    private final java.util.List<FFmpegFrameRecorder> recorders = new java.util.ArrayList<>();

    String url() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    private void serve() {
        while (!closed) {
                int k;
                try (Socket s = server.accept()) {
                    k = connections.getAndIncrement();
                    if (k >= recorders.size()) continue; // more connections than the test planned for: hang up
                    Pending out = outputs.get(k);
                    out.attach(s.getOutputStream());
                    send(recorders.get(k), out, framesPerConnection[Math.min(k, framesPerConnection.length - 1)]);
                } catch (IOException | RuntimeException e) {
                    // the client went away, or the server is closing
                }
        }
    }

    private FFmpegFrameRecorder start(OutputStream out) throws FFmpegFrameRecorder.Exception {
        FFmpegFrameRecorder r = new FFmpegFrameRecorder(out, FrameSourceContract.W, FrameSourceContract.H, 0);
        r.setFormat("nut");
        r.setVideoCodec(avcodec.AV_CODEC_ID_FFV1);
        r.setPixelFormat(avutil.AV_PIX_FMT_GRAY8);
        r.setFrameRate(1000.0 / periodMillis);
        r.setGopSize(1);
        r.setOption("flush_packets", "1"); // each frame leaves at once, as from a camera
        r.start();
        return r;
    }

    private static void stopQuietly(FFmpegFrameRecorder r) {
        try {
            r.close();
        } catch (org.bytedeco.javacv.FrameRecorder.Exception | RuntimeException ignored) {
            // the connection is over either way
        }
    }

    private void send(FFmpegFrameRecorder r, OutputStream out, int frames) throws IOException {
        int w = FrameSourceContract.W;
        int h = FrameSourceContract.H;
        Frame f = new Frame(w, h, Frame.DEPTH_UBYTE, 1);
        ByteBuffer b = (ByteBuffer) f.image[0];
        try {
            for (int i = 0; i < frames && !closed; i++) {
                byte[] px = FrameSourceContract.frame(next.getAndIncrement());
                for (int y = 0; y < h; y++) {
                    b.position(y * f.imageStride);
                    b.put(px, y * w, w);
                }
                b.position(0);
                r.record(f, avutil.AV_PIX_FMT_GRAY8);
                out.flush();
                Thread.sleep(periodMillis);
            }
            r.flush(); // whatever the muxer still holds goes out before the hang-up
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (FFmpegFrameRecorder.Exception e) {
            throw new IOException(e);
        }
    }

    /** Buffers what the recorder writes until a client is attached, then writes through to it. */
    private static final class Pending extends OutputStream {
        private final java.io.ByteArrayOutputStream early = new java.io.ByteArrayOutputStream();
        private OutputStream target;

        synchronized void attach(OutputStream client) throws IOException {
            target = client;
            early.writeTo(client);
            client.flush();
        }

        @Override
        public synchronized void write(int b) throws IOException {
            if (target == null) early.write(b);
            else target.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (target == null) early.write(b, off, len);
            else target.write(b, off, len);
        }

        @Override
        public synchronized void flush() throws IOException {
            if (target != null) target.flush();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        try {
            if (thread != null) thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (FFmpegFrameRecorder r : recorders) stopQuietly(r);
        recorders.clear();
    }
}
