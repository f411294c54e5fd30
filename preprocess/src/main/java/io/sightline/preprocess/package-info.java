/**
 * Preprocessing with OpenCV: region of interest, resize and normalisation, written straight into
 * the model's input layout in caller-owned (ring slot) memory, for 8-bit gray frames and 8-bit BGR
 * ones (a colour model's HWC input, each channel treated as the gray path treats a frame), and the
 * conversion where a camera's channels are not the model's (colour to gray as training converts,
 * gray replicated to BGR). Undistortion from the calibration and the CUDA variant (gray into gray
 * only) belong here too. Knows nothing of the ring: it takes a frame and a destination.
 *
 * <p>It also owns the way from labelled image files to the same tensors, for training, evaluation
 * and calibration: {@link io.sightline.preprocess.ImageDataset} (the folder layout),
 * {@link io.sightline.preprocess.ImageTensorizer} (a file through the station's own
 * {@link io.sightline.preprocess.Preprocessor}), {@link io.sightline.preprocess.LabelledImages}
 * (a whole set, unreadable files set aside) and {@link io.sightline.preprocess.InputChoice}
 * (the input size, channels and normalisation a dataset calls for).
 */
package io.sightline.preprocess;
