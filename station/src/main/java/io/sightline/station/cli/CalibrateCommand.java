package io.sightline.station.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.calibration.CalibrationFile;
import io.sightline.calibration.CameraCalibration;
import io.sightline.calibration.ThresholdCalibration;
import io.sightline.inference.ModelPackage;
import io.sightline.inference.dataset.ModelScoring;
import io.sightline.natives.Natives;
import io.sightline.preprocess.ImageDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sightline calibrate camera|threshold|timing}: tune a station on site; results go to one calibration YAML. */
@Command(name = "calibrate", mixinStandardHelpOptions = true, description = "Calibrate the station; each writes its section of the calibration file.",
        subcommands = {CalibrateCommand.Camera.class, CalibrateCommand.Roi.class, CalibrateCommand.Scale.class,
            CalibrateCommand.Threshold.class, CalibrateCommand.Timing.class})
public final class CalibrateCommand implements Runnable {
    static final String DEFAULT_FILE = "sightline-out/calibration.yaml";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static void printJson(boolean json, Map<String, Object> m) throws IOException {
        if (json) System.out.println(new ObjectMapper().writeValueAsString(m));
    }

    @Command(name = "camera", mixinStandardHelpOptions = true, description = "Intrinsics and distortion from chessboard views.")
    static final class Camera implements Callable<Integer> {
        @Option(names = "--images", paramLabel = "DIR", required = true, description = "folder of chessboard views (.png/.jpg/.bmp/.tif)")
        Path images;

        @Option(names = "--board", paramLabel = "COLSxROWS", required = true, description = "inner corners, e.g. 9x6")
        String board;

        @Option(names = "--square", paramLabel = "METRES", required = true, description = "square size in metres, e.g. 0.025")
        double square;

        @Option(names = "--fix-aspect", description = "constrain fx = fy (OpenCV's CALIB_FIX_ASPECT_RATIO)")
        boolean fixAspect;

        @Option(names = "--out", paramLabel = "FILE", description = "calibration file (default: ${DEFAULT-VALUE})")
        Path out = Path.of(DEFAULT_FILE);

        @Option(names = "--json", description = "print the result as one JSON object on the last line")
        boolean json;

        @Override
        public Integer call() throws Exception {
            int[] b = parseBoard(board);
            if (!Files.isDirectory(images)) throw new IllegalArgumentException("--images: " + images + " is not a folder");
            List<Path> files = new ArrayList<>();
            try (Stream<Path> s = Files.list(images)) {
                s.filter(p -> ImageDataset.IMAGE_EXTENSIONS.contains(extension(p))).sorted().forEach(files::add);
            }
            if (files.isEmpty()) throw new IllegalArgumentException("--images: " + images + " holds no images (.png/.jpg/.bmp/.tif)");
            CameraCalibration.Result r = CameraCalibration.calibrate(files, b[0], b[1], square, fixAspect);
            System.out.printf(Locale.ROOT, "%d of %d views used, %dx%d%n", r.used(), files.size(), r.width(), r.height());
            System.out.printf(Locale.ROOT, "fx %.4f  fy %.4f  cx %.4f  cy %.4f%n", r.fx(), r.fy(), r.cx(), r.cy());
            System.out.printf(Locale.ROOT, "distortion (k1 k2 p1 p2 k3) %s%n", java.util.Arrays.toString(r.distortion()));
            System.out.printf(Locale.ROOT, "RMS reprojection error %.4f px; per view %s%n", r.rms(), r.perViewRms());
            if (!r.rejected().isEmpty()) System.out.println("no board found in: " + r.rejected());
            for (String w : r.warnings()) System.err.println("warning: " + w);
            Map<String, Object> section = new LinkedHashMap<>();
            section.put("width", r.width());
            section.put("height", r.height());
            section.put("fx", r.fx());
            section.put("fy", r.fy());
            section.put("cx", r.cx());
            section.put("cy", r.cy());
            section.put("distortion", r.distortion());
            section.put("rms", r.rms());
            section.put("board", board);
            section.put("squareMetres", square);
            section.put("views", Map.of("used", r.used(), "rejected", r.rejected()));
            section.put("date", LocalDate.now().toString());
            CalibrationFile.update(out, "camera", section);
            System.err.println("camera calibration written to " + out.toAbsolutePath());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fx", r.fx());
            m.put("fy", r.fy());
            m.put("cx", r.cx());
            m.put("cy", r.cy());
            m.put("distortion", r.distortion());
            m.put("rms", r.rms());
            m.put("views", Map.of("used", r.used(), "rejected", r.rejected()));
            m.put("perViewRms", r.perViewRms());
            m.put("warnings", r.warnings());
            printJson(json, m);
            return 0;
        }

        static int[] parseBoard(String s) {
            return TrainCommand.parsePair(s, 2, 100, "--board: expected inner corners COLSxROWS (e.g. 9x6)");
        }

        private static String extension(Path p) {
            String n = p.getFileName().toString();
            int dot = n.lastIndexOf('.');
            return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
        }
    }

    @Command(name = "roi", mixinStandardHelpOptions = true, description = "Where the part lies in the frame: found, or given.")
    static final class Roi implements Callable<Integer> {
        @Option(names = "--image", paramLabel = "FILE", required = true, description = "a frame from the station's camera with a part in place")
        Path image;

        @Option(names = "--auto", description = "find the part (it must stand out from its background, clear of the frame's edges)")
        boolean auto;

        @Option(names = "--rect", paramLabel = "x,y,w,h", description = "the ROI in pixels")
        String rect;

        @Option(names = "--png", paramLabel = "FILE", description = "the frame with the ROI drawn (default: the image's name + -roi.png)")
        Path png;

        @Option(names = "--out", paramLabel = "FILE", description = "calibration file (default: ${DEFAULT-VALUE})")
        Path out = Path.of(DEFAULT_FILE);

        @Option(names = "--json", description = "print the ROI as one JSON object on the last line")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (auto == (rect != null)) throw new IllegalArgumentException("give exactly one of --auto and --rect x,y,w,h");
            io.sightline.calibration.RoiCalibration.Roi roi;
            if (auto) {
                roi = io.sightline.calibration.RoiCalibration.auto(image);
            } else {
                String[] p = rect.split(",");
                int[] v = new int[4];
                try {
                    if (p.length != 4) throw new NumberFormatException();
                    for (int i = 0; i < 4; i++) v[i] = Integer.parseInt(p[i].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--rect: expected x,y,w,h in pixels, got '" + rect + "'");
                }
                roi = io.sightline.calibration.RoiCalibration.explicit(image, v[0], v[1], v[2], v[3]);
            }
            Path drawn = png != null ? png : image.resolveSibling(image.getFileName().toString().replaceFirst("\\.[^.]+$", "") + "-roi.png");
            io.sightline.calibration.RoiCalibration.drawPng(image, roi, drawn);
            Map<String, Object> section = new LinkedHashMap<>();
            section.put("x", roi.x());
            section.put("y", roi.y());
            section.put("width", roi.width());
            section.put("height", roi.height());
            section.put("frameWidth", roi.frameWidth());
            section.put("frameHeight", roi.frameHeight());
            section.put("how", auto ? "auto" : "explicit");
            section.put("date", LocalDate.now().toString());
            CalibrationFile.update(out, "roi", section);
            System.out.printf("ROI %d,%d %dx%d in a %dx%d frame; drawn in %s%n", roi.x(), roi.y(), roi.width(), roi.height(),
                    roi.frameWidth(), roi.frameHeight(), drawn);
            printJson(json, section);
            return 0;
        }
    }

    @Command(name = "scale", mixinStandardHelpOptions = true, description = "Millimetres per pixel on the part's plane.")
    static final class Scale implements Callable<Integer> {
        @Option(names = "--image", paramLabel = "FILE", description = "a frame of a chessboard lying where the parts lie")
        Path image;

        @Option(names = "--board", paramLabel = "COLSxROWS", description = "the board's inner corners")
        String board;

        @Option(names = "--square-mm", paramLabel = "MM", description = "the board's square size in mm")
        Double squareMm;

        @Option(names = "--reference-mm", paramLabel = "MM", description = "or: a reference object's length in mm ...")
        Double referenceMm;

        @Option(names = "--reference-px", paramLabel = "PX", description = "... and in pixels")
        Double referencePx;

        @Option(names = "--out", paramLabel = "FILE", description = "calibration file (default: ${DEFAULT-VALUE})")
        Path out = Path.of(DEFAULT_FILE);

        @Option(names = "--json", description = "print the scale as one JSON object on the last line")
        boolean json;

        @Override
        public Integer call() throws Exception {
            io.sightline.calibration.ScaleCalibration.Scale scale;
            String how;
            if (image != null && board != null && squareMm != null && referenceMm == null) {
                int[] b = Camera.parseBoard(board);
                scale = io.sightline.calibration.ScaleCalibration.fromChessboard(image, b[0], b[1], squareMm);
                how = "chessboard " + board + " of " + squareMm + " mm squares in " + image.getFileName();
            } else if (referenceMm != null && referencePx != null && image == null) {
                scale = io.sightline.calibration.ScaleCalibration.fromReference(referenceMm, referencePx);
                how = "reference of " + referenceMm + " mm over " + referencePx + " px";
            } else {
                throw new IllegalArgumentException("give either --image, --board and --square-mm, or --reference-mm and --reference-px");
            }
            if (scale.spread() > 0.05) {
                System.err.printf(Locale.ROOT, "warning: the board's squares vary by %.0f%% in size: is it tilted? mm per pixel differs across the frame%n",
                        100 * scale.spread());
            }
            Map<String, Object> section = new LinkedHashMap<>();
            section.put("mmPerPixel", scale.mmPerPixel());
            section.put("spread", scale.spread());
            section.put("how", how);
            section.put("date", LocalDate.now().toString());
            CalibrationFile.update(out, "scale", section);
            System.out.printf(Locale.ROOT, "%.5f mm per pixel (%s)%n", scale.mmPerPixel(), how);
            printJson(json, section);
            return 0;
        }
    }

    @Command(name = "threshold", mixinStandardHelpOptions = true,
            description = "The decision threshold that meets a target escape rate with the fewest false rejects.")
    static final class Threshold implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "MODEL", required = true, description = "model package")
        Path model;

        @Option(names = "--data", paramLabel = "DIR", required = true, description = "labelled images (DIR/test/<class> when split)")
        Path data;

        @Option(names = "--target-escape", paramLabel = "RATE", required = true, description = "defective parts that may pass, e.g. 0.01")
        double targetEscape;

        @Option(names = "--max-false-reject", paramLabel = "RATE", description = "refuse when the threshold would reject more good parts than this")
        Double maxFalseReject;

        @Option(names = "--out", paramLabel = "FILE", description = "calibration file (default: ${DEFAULT-VALUE})")
        Path out = Path.of(DEFAULT_FILE);

        @Option(names = "--plot", paramLabel = "FILE", description = "PNG of the ROC curve and of both rates against the threshold")
        Path plot;

        @Option(names = "--json", description = "print the operating point as one JSON object on the last line")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (!(targetEscape > 0 && targetEscape < 1)) {
                throw new IllegalArgumentException("--target-escape: expected a rate above 0 and below 1, got " + targetEscape);
            }
            Natives.loadAll();
            try (ModelPackage pkg = ModelPackage.load(model)) {
                ImageDataset ds = ImageDataset.open(data, false);
                List<ImageDataset.Sample> samples = ds.fixedSplit() ? ds.test() : ds.train();
                ModelScoring.Scored scored = ModelScoring.score(pkg, samples, Progress.lines(System.err));
                int ok = pkg.info().okIndex();
                List<Float> good = new ArrayList<>();
                List<Float> bad = new ArrayList<>();
                for (int i = 0; i < scored.labels().length; i++) {
                    float s = 1f - scored.probs()[i][ok];
                    (scored.labels()[i] == ok ? good : bad).add(s);
                }
                ThresholdCalibration.OperatingPoint p = ThresholdCalibration.choose(toArray(good), toArray(bad), targetEscape);
                if (maxFalseReject != null && p.falseRejectRate() > maxFalseReject) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT, "meeting an escape rate of %.4g needs threshold %.4f, which"
                            + " rejects %.4g of good parts, above --max-false-reject %.4g: the model cannot do both on these samples",
                            targetEscape, p.threshold(), p.falseRejectRate(), maxFalseReject));
                }
                if (plot != null) {
                    plot(plot, toArray(good), toArray(bad), p, targetEscape);
                    System.err.println("plot written to " + plot.toAbsolutePath());
                }
                System.out.printf(Locale.ROOT, "threshold %.6f: escape rate %.4f (%d of %d; 95%% upper bound %.4f), false-reject rate %.4f (%d of %d)%n",
                        p.threshold(), p.escapeRate(), p.escapes(), p.defective(), p.escapeUpper(), p.falseRejectRate(), p.falseRejects(), p.good());
                Map<String, Object> section = new LinkedHashMap<>();
                section.put("model", pkg.info().name() + " " + pkg.info().version());
                section.put("threshold", p.threshold());
                section.put("targetEscapeRate", targetEscape);
                section.put("escapeRate", p.escapeRate());
                section.put("escapeRateUpper95", p.escapeUpper());
                section.put("falseRejectRate", p.falseRejectRate());
                section.put("samples", Map.of("good", p.good(), "defective", p.defective()));
                section.put("data", data.toString());
                section.put("date", LocalDate.now().toString());
                CalibrationFile.update(out, "threshold", section);
                System.err.println("threshold written to " + out.toAbsolutePath());
                printJson(json, section);
            }
            return 0;
        }

        /** The ROC curve with the operating point, and both rates against the threshold, side by side. */
        static void plot(Path file, float[] good, float[] bad, ThresholdCalibration.OperatingPoint p, double target) throws IOException {
            int steps = 200;
            double[] t = new double[steps + 1];
            double[] escape = new double[steps + 1];
            double[] falseReject = new double[steps + 1];
            for (int i = 0; i <= steps; i++) {
                t[i] = (double) i / steps;
                int e = 0;
                for (float s : bad) if (s < t[i]) e++;
                int f = 0;
                for (float s : good) if (s >= t[i]) f++;
                escape[i] = (double) e / bad.length;
                falseReject[i] = (double) f / good.length;
            }
            var rates = new org.knowm.xchart.XYChartBuilder().width(640).height(480).title("Rates against the threshold")
                    .xAxisTitle("threshold (reject when 1 - p(ok) >= it)").yAxisTitle("rate").build();
            rates.addSeries("escape rate", t, escape).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
            rates.addSeries("false-reject rate", t, falseReject).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
            rates.addSeries(String.format(Locale.ROOT, "chosen %.3f", p.threshold()), new double[] {p.threshold()},
                    new double[] {p.escapeRate()});
            rates.addSeries(String.format(Locale.ROOT, "target escape %.3g", target), new double[] {0, 1}, new double[] {target, target})
                    .setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
            var roc = new org.knowm.xchart.XYChartBuilder().width(640).height(480).title("ROC")
                    .xAxisTitle("false-reject rate").yAxisTitle("defects caught (1 - escape rate)").build();
            double[] fr = new double[steps + 1];
            double[] caught = new double[steps + 1];
            for (int i = 0; i <= steps; i++) {
                fr[i] = falseReject[steps - i];
                caught[i] = 1 - escape[steps - i];
            }
            roc.addSeries("ROC", fr, caught).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
            roc.addSeries("operating point", new double[] {p.falseRejectRate()}, new double[] {1 - p.escapeRate()});
            org.knowm.xchart.BitmapEncoder.saveBitmap(List.of(roc, rates), 1, 2, file.toString(),
                    org.knowm.xchart.BitmapEncoder.BitmapFormat.PNG);
        }

        private static float[] toArray(List<Float> l) {
            float[] a = new float[l.size()];
            for (int i = 0; i < a.length; i++) a[i] = l.get(i);
            return a;
        }
    }

    @Command(name = "timing", mixinStandardHelpOptions = true, description = "The reject delay from camera to ejector.")
    static final class Timing implements Callable<Integer> {
        @Option(names = "--distance", paramLabel = "MM", required = true, description = "camera-to-ejector distance along the belt, mm")
        double distanceMm;

        @Option(names = "--encoder-counts-per-mm", paramLabel = "K", description = "encoder resolution: the delay is written in counts")
        Double countsPerMm;

        @Option(names = "--belt-speed", paramLabel = "MM_PER_S", description = "belt speed: the delay is written in time")
        Double beltSpeed;

        @Option(names = "--out", paramLabel = "FILE", description = "calibration file (default: ${DEFAULT-VALUE})")
        Path out = Path.of(DEFAULT_FILE);

        @Option(names = "--json", description = "print the section as one JSON object on the last line")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> section = timing(distanceMm, countsPerMm, beltSpeed);
            CalibrationFile.update(out, "timing", section);
            System.out.println("reject delay: " + section);
            printJson(json, section);
            return 0;
        }

        static Map<String, Object> timing(double distanceMm, Double countsPerMm, Double beltSpeed) {
            if (!(distanceMm > 0)) throw new IllegalArgumentException("--distance: expected a distance above 0 mm, got " + distanceMm);
            if ((countsPerMm == null) == (beltSpeed == null)) {
                throw new IllegalArgumentException("give exactly one of --encoder-counts-per-mm (delay in counts) and --belt-speed (delay in time)");
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("distanceMm", distanceMm);
            if (countsPerMm != null) {
                if (!(countsPerMm > 0)) throw new IllegalArgumentException("--encoder-counts-per-mm: expected above 0, got " + countsPerMm);
                m.put("mode", "encoder");
                m.put("countsPerMm", countsPerMm);
                m.put("rejectDelayCounts", Math.round(distanceMm * countsPerMm));
            } else {
                if (!(beltSpeed > 0)) throw new IllegalArgumentException("--belt-speed: expected above 0 mm/s, got " + beltSpeed);
                m.put("mode", "time");
                m.put("beltSpeedMmPerS", beltSpeed);
                m.put("rejectDelayMillis", Math.round(distanceMm / beltSpeed * 1000));
            }
            m.put("date", LocalDate.now().toString());
            return m;
        }
    }
}
