/**
 * Preprocessing with OpenCV: region of interest, resize and normalisation, written straight into
 * the model's input layout in caller-owned (ring slot) memory. Undistortion from the calibration and
 * the CUDA variant belong here too. Knows nothing of the ring: it takes a frame and a destination.
 */
package io.sightline.preprocess;
