/**
 * CUDA preprocessing: the CPU {@link io.sightline.preprocess.Preprocessor}'s work (undistort,
 * ROI crop, INTER_AREA resize, normalise into the tensor slot) as one fused kernel compiled at run
 * time by NVRTC.
 *
 * <ul>
 *   <li>{@link io.sightline.preprocess.cuda.CudaPreprocessor}: pinned buffers, two streams, the
 *       kernel; one per worker thread.</li>
 *   <li>{@link io.sightline.preprocess.cuda.PreprocessArithmetic}: the kernel's arithmetic in Java,
 *       line for line, so that a machine without a GPU proves it equals OpenCV's (bit-identical
 *       on the station's sizes, see {@code PreprocessArithmeticTest}).</li>
 *   <li>{@link io.sightline.preprocess.cuda.KernelPlan}: the kernel's constants, shared by both.</li>
 *   <li>{@link io.sightline.preprocess.cuda.Cuda}: loading cudart/NVRTC once;
 *       {@link io.sightline.preprocess.cuda.Cuda#unavailableReason()} says why CUDA cannot run here.</li>
 * </ul>
 *
 * The kernel source is the resource {@code io/sightline/preprocess/cuda/preprocess.cu}. It
 * supports whole-number shrink factors only (OpenCV's exact box-mean path); a fractional ROI/input
 * ratio is refused at construction.
 *
 * <p>Like the CPU path it takes a frame and a destination: it must not know the ring, the
 * inspection workers that call it, models or the station.
 */
package io.sightline.preprocess.cuda;
