package io.sightline.station.inspect;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import io.sightline.capture.CapturedFrame;
import io.sightline.capture.DefectKind;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.BatchClassifier;
import io.sightline.inference.ModelPackage;
import io.sightline.natives.Natives;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.preprocess.Preprocessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/** Real part images for the inspection API's tests: synthetic parts encoded by OpenCV, and their reference scores. */
public final class TestImages {
    public static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private TestImages() {}

    /** A rendered part (good, or with {@code kind}) as an image file of {@code ext} (".png", ".jpg", ".bmp"). */
    public static byte[] part(int width, int height, DefectKind kind, long seed, String ext) {
        Natives.opencv();
        try (SyntheticPartCamera cam = new SyntheticPartCamera("api-test", new SyntheticPartCamera.Options(width, height, 0, seed, 2))) {
            CapturedFrame f = cam.render(kind);
            try (Mat m = new Mat(f.height(), f.width(), CV_8UC1, f.pixels(), f.stride())) {
                return encode(m, ext);
            }
        }
    }

    /** A plain gray image of any size. */
    public static byte[] plain(int width, int height, String ext) {
        Natives.opencv();
        try (Mat m = new Mat(height, width, CV_8UC1, new org.bytedeco.opencv.opencv_core.Scalar(128.0))) {
            return encode(m, ext);
        }
    }

    static byte[] encode(Mat m, String ext) {
        try (BytePointer out = new BytePointer()) {
            if (!opencv_imgcodecs.imencode(ext, m, out)) throw new IllegalStateException("could not encode " + ext);
            byte[] b = new byte[(int) out.limit()];
            out.get(b);
            return b;
        }
    }

    /** The defect score the model gives a lossless image preprocessed with {@code spec}, run alone (batch of 1). */
    public static float referenceScore(ModelPackage model, PreprocessSpec spec, byte[] png) {
        Natives.opencv();
        try (BytePointer p = new BytePointer(png); Mat raw = new Mat(1, png.length, CV_8UC1, p);
             Mat gray = opencv_imgcodecs.imdecode(raw, opencv_imgcodecs.IMREAD_GRAYSCALE);
             Preprocessor pre = new Preprocessor(spec); FloatPointer floats = new FloatPointer(spec.floatsPerImage());
             Preprocessor.View view = new Preprocessor.View(spec, gray.data(), gray.cols(), gray.rows(), (int) gray.step());
             Preprocessor.FloatView dst = new Preprocessor.FloatView(spec, floats); BatchClassifier c = model.newClassifier(1)) {
            pre.process(view, dst);
            float[] t = new float[spec.floatsPerImage()];
            floats.get(t);
            c.stage(0, t);
            c.run(1);
            return c.defectScore(0);
        }
    }

    /** POSTs {@code body} to {@code url} with the given headers. */
    public static HttpResponse<byte[]> post(String url, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) b.headers(headers);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A multipart/form-data body with one file part. */
    public static byte[] multipart(String boundary, String fileName, String type, byte[] image) {
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"" + fileName + "\"\r\nContent-Type: " + type + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + image.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(image, 0, all, head.length, image.length);
        System.arraycopy(tail, 0, all, head.length + image.length, tail.length);
        return all;
    }
}
