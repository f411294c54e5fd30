package io.sightline.natives.aravis;

/**
 * Aravis could not do what was asked: the library is absent, a camera cannot be found or opened, a
 * feature was refused. The message names the camera or feature and carries Aravis's own message.
 */
public class AravisException extends Exception {
    private static final long serialVersionUID = 1L;

    public AravisException(String message) {
        super(message);
    }
}
