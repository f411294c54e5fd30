/**
 * Frame sources: everything that turns a camera (real or synthetic) into {@link io.sightline.capture.CapturedFrame}s.
 *
 * <p>This module owns the sources, their timestamps ({@code captureNanos}, read once per frame)
 * and the part identity a frame carries (its {@code sequence}: one part, one frame). It offers:
 * <ul>
 *   <li>{@link io.sightline.capture.SyntheticPartCamera}: renders machined flanges with known defects,
 *       for training, tests, benchmarks and demos;</li>
 *   <li>cameras: USB/V4L2 devices ({@link io.sightline.capture.UsbCameraSource}, through OpenCV) and
 *       GigE Vision cameras through Aravis ({@link io.sightline.capture.GigeVisionSource}, whose frames
 *       are lent straight from the camera's buffers);</li>
 *   <li>files and streams: video files and network streams through FFmpeg
 *       ({@link io.sightline.capture.VideoSource}), image folders
 *       ({@link io.sightline.capture.ImageFolderSource}), folders watched for new images
 *       ({@link io.sightline.capture.WatchedFolderSource}), and recorded frames replayed for the
 *       benchmarks ({@link io.sightline.capture.ReplaySource}, whose pixels are
 *       {@linkplain io.sightline.capture.FrameSource#stablePixels() stable}: the station hands them to
 *       the ring without a copy);</li>
 *   <li>{@link io.sightline.capture.ReconnectingSource}, which re-opens a live source that was lost,
 *       with backoff, counting the outage's frames.</li>
 * </ul>
 * All follow the {@link io.sightline.capture.FrameSource} contract, and
 * {@link io.sightline.capture.FrameSources} opens any of them from its URI.
 *
 * <pre>
 *   source.grab()  --&gt;  CapturedFrame (owned by the source, reused)  --&gt;  station copies it into its ring slot
 * </pre>
 *
 * <p>Frames are 8-bit gray or 8-bit BGR ({@link io.sightline.capture.FrameSource#channels()}): colour from
 * {@code folder:} and {@code file:} with {@code ?colour=true}, the synthetic camera's colour option, and
 * GigE Vision's BGR8, RGB8 and Bayer formats ({@link io.sightline.capture.GigePixelFormat}, demosaiced by
 * OpenCV).
 *
 * <p>Rules every source follows: steady-state grabs allocate nothing on the Java heap; a frame that
 * cannot be produced is a {@link io.sightline.capture.CaptureException}, never a silently skipped
 * part; native memory is freed by {@code close()}, deterministically and idempotently.
 */
package io.sightline.capture;
