package io.sightline.preprocess.cuda;

/**
 * CUDA cannot be used on this machine: the CUDA 13 libraries do not load, the driver is missing or
 * too old, or there is no NVIDIA GPU. The message says which.
 */
public final class CudaUnavailableException extends CudaException {
    public CudaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
