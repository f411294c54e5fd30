/**
 * Native foundations shared by every module: loading OpenCV and TensorFlow once per JVM
 * ({@link io.sightline.natives.Natives}) and off-heap memory with a deterministic lifetime
 * ({@link io.sightline.natives.NativeBuffer}). Device discovery (CUDA through the JavaCPP presets,
 * with CPU fallback) and bindings the presets lack belong here too.
 */
package io.sightline.natives;
