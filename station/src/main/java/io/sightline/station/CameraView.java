package io.sightline.station;

import io.sightline.capture.FrameSource;

/**
 * One of a line's cameras when the line inspects each part from several sides: its name (top,
 * side, ...) and its frame source. Every view of a line reports the same part ids (the trigger
 * counter the line's cameras share), so a part's frames can be put together.
 *
 * @param name short (letters, digits, {@code _.-}) and unique within its line; it names the view in
 *             reports and in reject images' file names
 * @see Station#createWithViews
 */
public record CameraView(String name, FrameSource source) {
    public CameraView {
        if (name == null || !name.matches("[A-Za-z0-9_.-]{1,32}")) {
            throw new IllegalArgumentException("views: a view's name is 1 to 32 letters, digits, '_', '.' or '-', got '" + name + "'");
        }
        if (source == null) throw new IllegalArgumentException("views: view '" + name + "' has no frame source");
    }
}
