package io.sightline.inference;

/**
 * A model package that cannot be loaded, read, written or validated.
 *
 * <p>The message always names the folder or file concerned and what was expected against what was
 * found, e.g. {@code "/models/a/model.json: missing field inputWidth"} or {@code "output 'probs'
 * has 3 classes but model.json lists 6"}, so the CLI can print it as is.
 */
public final class ModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
