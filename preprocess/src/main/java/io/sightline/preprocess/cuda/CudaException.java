package io.sightline.preprocess.cuda;

/** A CUDA runtime, driver or NVRTC call failed; the message names the call and CUDA's own words. */
public class CudaException extends RuntimeException {
    public CudaException(String message) {
        super(message);
    }

    public CudaException(String message, Throwable cause) {
        super(message, cause);
    }
}
