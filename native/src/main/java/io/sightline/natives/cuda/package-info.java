/**
 * CUDA device discovery and the device choice, through the JavaCPP CUDA presets
 * ({@code org.bytedeco:cuda}, bindings only: the CUDA runtime {@code libcudart.so.13} and the
 * driver {@code libcuda.so.1} are the system's).
 *
 * <p>This package owns one question for the whole process: <em>is CUDA usable here, and on which
 * device?</em>
 * <pre>
 *   CudaDevices.discover()  --once per JVM-->  CudaReport: driver + runtime version, CudaDevice per GPU
 *                                              (name, total/free memory, capability, SMs),
 *                                              or available() == false and reason() in words
 *   DeviceRequest.parse("auto" | "cpu" | "cuda" | "cuda:N")
 *   CudaDevices.select(request) --> Device.cpu() or Device.cuda(n)
 *        auto:   cuda:0 when discovery found a usable device, else CPU with one WARN log line saying why
 *        cuda:N: that device, or a {@link io.sightline.natives.cuda.CudaUnavailableException} naming the reason
 * </pre>
 * Nothing here throws past {@link io.sightline.natives.cuda.CudaDevices#discover()}, even when the
 * CUDA libraries are missing ({@code UnsatisfiedLinkError} becomes the report's reason), so a machine
 * without a GPU builds, tests and runs on the CPU. Native structures are freed deterministically
 * (JavaCPP {@code PointerScope}).
 *
 * <p>It knows devices and device memory, and must not know frames, models, stages or the station.
 */
package io.sightline.natives.cuda;
