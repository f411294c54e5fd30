package io.sightline.inference;

/**
 * A TensorFlow session run that failed on the hot path (see {@link BatchClassifier#run(int)}).
 *
 * <p>The message names the batch and carries TensorFlow's own message; the cause is the original
 * exception. The station turns it into fail-safe rejects for every frame of the batch.
 */
public final class InferenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
