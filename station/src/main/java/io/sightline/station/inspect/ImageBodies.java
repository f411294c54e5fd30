package io.sightline.station.inspect;

import io.sightline.natives.Natives;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * An inspection request's body to an 8-bit gray image: the content type is checked first, then that
 * the bytes really are the format it names, then OpenCV decodes them. Every refusal names what was
 * wrong and what was expected, and comes before anything is queued.
 *
 * <pre>
 *   Content-Type image/png | image/jpeg | image/bmp          ▸ the body is the image
 *   Content-Type multipart/form-data; boundary=B             ▸ its one part with an image type (or an
 *                                                              image file name) is the image
 *   anything else                                            ▸ 415
 *   bytes that do not start as the type says, or do not decode ▸ 400
 * </pre>
 */
final class ImageBodies {
    static final String EXPECTED_TYPES = "image/png, image/jpeg, image/bmp, or multipart/form-data with one such part";

    private ImageBodies() {}

    /** The image's bytes and the format they were declared as. */
    record Image(byte[] bytes, int offset, int length, String format) {}

    /** The image in a request with this content type and body. */
    static Image image(String contentType, byte[] body) throws InspectException {
        if (contentType == null || contentType.isBlank()) {
            throw new InspectException(415, "Content-Type: expected " + EXPECTED_TYPES + ", got none");
        }
        String type = contentType.toLowerCase(Locale.ROOT).split(";", 2)[0].trim();
        if (type.equals("multipart/form-data")) return part(contentType, body);
        String format = format(type);
        if (format == null) throw new InspectException(415, "Content-Type: expected " + EXPECTED_TYPES + ", got '" + contentType + "'");
        return checked(new Image(body, 0, body.length, format));
    }

    /** png, jpeg or bmp for an image content type; null for any other. */
    private static String format(String type) {
        return switch (type) {
            case "image/png" -> "png";
            case "image/jpeg", "image/jpg" -> "jpeg";
            case "image/bmp", "image/x-bmp", "image/x-ms-bmp" -> "bmp";
            default -> null;
        };
    }

    /** The bytes start as their format's files do. */
    private static Image checked(Image img) throws InspectException {
        byte[] b = img.bytes();
        int o = img.offset();
        boolean ok = switch (img.format()) {
            case "png" -> img.length() >= 8 && (b[o] & 0xff) == 0x89 && b[o + 1] == 'P' && b[o + 2] == 'N' && b[o + 3] == 'G';
            case "jpeg" -> img.length() >= 3 && (b[o] & 0xff) == 0xff && (b[o + 1] & 0xff) == 0xd8 && (b[o + 2] & 0xff) == 0xff;
            default -> img.length() >= 2 && b[o] == 'B' && b[o + 1] == 'M';
        };
        if (!ok) {
            throw new InspectException(400, "the body is not a " + img.format().toUpperCase(Locale.ROOT) + " image (its first bytes do not"
                    + " say so): expected the image file's bytes as they are, e.g. curl --data-binary @part.png");
        }
        return img;
    }

    /** The one image part of a multipart/form-data body. */
    private static Image part(String contentType, byte[] body) throws InspectException {
        String boundary = null;
        for (String p : contentType.split(";")) {
            String t = p.trim();
            if (t.regionMatches(true, 0, "boundary=", 0, 9)) boundary = t.substring(9).replace("\"", "");
        }
        if (boundary == null || boundary.isEmpty()) {
            throw new InspectException(400, "Content-Type multipart/form-data: expected a boundary parameter, got '" + contentType + "'");
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        Image found = null;
        int at = indexOf(body, delimiter, 0);
        while (at >= 0) {
            int headersStart = at + delimiter.length;
            if (headersStart + 1 < body.length && body[headersStart] == '-' && body[headersStart + 1] == '-') break; // the closing delimiter
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
            if (headersEnd < 0) break;
            int dataStart = headersEnd + 4;
            int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1), dataStart);
            if (next < 0) throw new InspectException(400, "multipart/form-data body: a part does not end with its boundary");
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            String format = partFormat(headers);
            if (format != null) {
                if (found != null) throw new InspectException(400, "multipart/form-data body: expected one image part, got several");
                found = new Image(body, dataStart, next - dataStart, format);
            }
            at = next + 2;
        }
        if (found == null) {
            throw new InspectException(415, "multipart/form-data body: expected one part with Content-Type image/png, image/jpeg or"
                    + " image/bmp (or a .png, .jpg or .bmp file name), got none");
        }
        return checked(found);
    }

    private static String partFormat(String headers) {
        for (String h : headers.split("\r\n")) {
            if (h.startsWith("content-type:")) {
                String f = format(h.substring(13).split(";", 2)[0].trim());
                if (f != null) return f;
            }
        }
        int name = headers.indexOf("filename=\"");
        if (name < 0) return null;
        String file = headers.substring(name + 10, Math.max(name + 10, headers.indexOf('"', name + 10)));
        if (file.endsWith(".png")) return "png";
        if (file.endsWith(".jpg") || file.endsWith(".jpeg")) return "jpeg";
        if (file.endsWith(".bmp")) return "bmp";
        return null;
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
            for (int k = 0; k < needle.length; k++) if (hay[i + k] != needle[k]) continue outer;
            return i;
        }
        return -1;
    }

    /**
     * Decodes the image to 8-bit pixels of the line's camera: gray ({@code channels} 1, colour images
     * converted as a gray camera would see them) or BGR (3, gray images replicated), so that the line's
     * own preprocessing, conversion to the model's channels included, takes it as it takes a frame. The
     * caller closes it.
     */
    static Mat decode(Image img, int channels) throws InspectException {
        Natives.opencv();
        Mat decoded;
        try (BytePointer p = new BytePointer(img.length()); Mat raw = new Mat(1, img.length(), org.bytedeco.opencv.global.opencv_core.CV_8UC1, p)) {
            p.put(img.bytes(), img.offset(), img.length());
            decoded = opencv_imgcodecs.imdecode(raw, channels == 3 ? opencv_imgcodecs.IMREAD_COLOR : opencv_imgcodecs.IMREAD_GRAYSCALE);
        }
        if (decoded == null || decoded.empty()) {
            if (decoded != null) decoded.close();
            throw new InspectException(400, "the body's " + img.format().toUpperCase(Locale.ROOT) + " image could not be decoded ("
                    + img.length() + " bytes; truncated or corrupt): expected a whole image file");
        }
        return decoded;
    }
}
