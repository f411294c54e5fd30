package io.sightline.natives.cuda;

/** CUDA was asked for explicitly ({@code cuda} or {@code cuda:N}) and cannot be used; the message says why. */
public final class CudaUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CudaUnavailableException(String message) {
        super(message);
    }
}
