/**
 * Frame sources: everything that turns a camera (real or synthetic) into {@link io.sightline.capture.CapturedFrame}s.
 *
 * <p>This module owns the sources, their timestamps ({@code captureNanos}, read once per frame)
 * and the part identity a frame carries (its {@code sequence}: one part, one frame). Today it has
 * the {@link io.sightline.capture.SyntheticPartCamera}, which renders machined flanges with known
 * defects for training, tests and benchmarks; video files and streams (FFmpeg), image folders, and
 * GigE Vision cameras through Aravis ({@link io.sightline.capture.GigeVisionSource}, whose frames
 * are lent straight from the camera's buffers); V4L2/USB devices come later behind the same
 * {@link io.sightline.capture.FrameSource} contract. {@link io.sightline.capture.FrameSources}
 * opens any of them from its URI.
 *
 * <pre>
 *   source.grab()  --&gt;  CapturedFrame (owned by the source, reused)  --&gt;  station copies it into its ring slot
 * </pre>
 *
 * <p>Rules every source follows: steady-state grabs allocate nothing on the Java heap; a frame that
 * cannot be produced is a {@link io.sightline.capture.CaptureException}, never a silently skipped
 * part; native memory is freed by {@code close()}, deterministically and idempotently.
 */
package io.sightline.capture;
