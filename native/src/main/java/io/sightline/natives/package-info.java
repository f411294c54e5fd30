/**
 * Native foundations shared by every module: loading OpenCV and TensorFlow once per JVM
 * ({@link io.sightline.natives.Natives}) and off-heap memory with a deterministic lifetime
 * ({@link io.sightline.natives.NativeBuffer}). CUDA device discovery and the
 * device choice ({@code auto}, {@code cpu}, {@code cuda:N}) are in {@link io.sightline.natives.cuda}. Bindings the
 * presets lack belong here too: Aravis for GigE Vision
 * cameras is in {@link io.sightline.natives.aravis}, loaded only when a GigE Vision source is used.
 *
 * <p>The bottom of the house: every module may use it, and it must not know any other Sightline
 * module (no frames, models, stages or station).
 */
package io.sightline.natives;
