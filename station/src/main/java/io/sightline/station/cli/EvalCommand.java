package io.sightline.station.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.inference.Evaluation;
import io.sightline.inference.InferenceDevice;
import io.sightline.inference.InferencePrecision;
import io.sightline.inference.ModelPackage;
import io.sightline.inference.dataset.ModelScoring;
import io.sightline.natives.Natives;
import io.sightline.preprocess.ImageDataset;
import io.sightline.station.StationConfig;
import io.sightline.station.eval.EvalReport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sightline eval --model MODEL --data DIR}: scores a labelled image folder with a model
 * package, exactly as the station would preprocess and classify it, and reports the figures a
 * vision engineer signs off on. With a {@code DIR/train} + {@code DIR/test} split only the test
 * part is scored.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a model package on a labelled image folder: AUROC, accuracy, confusion matrix, "
                + "per-class recall, escape and false-reject rates at the operating point.")
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "MODEL", required = true, description = "model package folder")
    Path model;

    @Option(names = "--data", paramLabel = "DIR", required = true,
            description = "DIR/<class>/* or DIR/test/<class>/* images; class 'ok' is good")
    Path data;

    @Option(names = "--threshold", paramLabel = "T",
            description = "reject when 1 - p(ok) >= T: the operating point (default: the station's ${DEFAULT-VALUE})")
    float threshold = StationConfig.DEFAULT_THRESHOLD;

    @Option(names = "--report", paramLabel = "DIR", description = "write report.md, roc.png and worst.png (contact sheet of the "
            + "worst calls, with the defect map drawn on each when the model has one) into DIR")
    Path report;

    @Option(names = "--json", description = "print the figures as one JSON object on the last line of standard output")
    boolean json;

    @Option(names = "--precision", paramLabel = "P", description = "fp32 (default) or bf16: score in bfloat16 as the station would with "
            + "pipeline.precision bf16, and in the same run in fp32, reporting both AUROCs and the decisions that flip at the threshold")
    String precision = "fp32";

    @Override
    public Integer call() throws Exception {
        if (!(threshold > 0f && threshold <= 1f)) {
            throw new IllegalArgumentException("--threshold: expected a defect score in (0, 1], got " + threshold);
        }
        InferencePrecision prec = InferencePrecision.parse(precision);
        InferenceDevice device = InferenceDevice.cpu().withPrecision(prec);
        Natives.loadAll();
        PrintStream err = Progress.lines(System.err); // ModelScoring redraws with carriage returns
        try (ModelPackage pkg = ModelPackage.load(model, 0, device)) {
            ImageDataset ds = ImageDataset.open(data, false);
            List<ImageDataset.Sample> samples = ds.fixedSplit() ? ds.test() : ds.train();
            err.printf("eval: model %s (%s), %d images from %s%s%n", model, pkg.info().classes(), samples.size(), data,
                    ds.fixedSplit() ? "/test" : "");
            ModelScoring.Scored scored = ModelScoring.score(pkg, samples, err);
            if (scored.labels().length == 0) {
                throw new IllegalArgumentException("none of the " + samples.size() + " images in " + data + " could be read");
            }
            Evaluation e = Evaluation.of(pkg.info().classes(), pkg.info().okIndex(), scored.probs(), scored.labels(), threshold);
            Map<String, Object> figures = new LinkedHashMap<>(e.toMap());
            figures.put("skipped", scored.images().skipped().size());
            figures.put("precision", prec.toString());
            figures.put("model", model.toString());
            figures.put("data", data.toString() + (ds.fixedSplit() ? "/test" : ""));
            print(e, scored.images().skipped().size());
            if (prec != InferencePrecision.FP32) figures.putAll(againstFp32(pkg, samples, scored, e, err));
            if (report != null) {
                for (Path p : EvalReport.write(report, model.getFileName() + " on " + data.getFileName(), e, scored, pkg.info())) {
                    err.println("wrote " + p);
                }
            }
            if (json) System.out.println(new ObjectMapper().writeValueAsString(figures));
        }
        return 0;
    }

    /** Scores the same images in fp32 and reports what the lower precision changed: AUROC and flipped decisions. */
    private Map<String, Object> againstFp32(ModelPackage low, List<io.sightline.preprocess.ImageDataset.Sample> samples,
                                            ModelScoring.Scored lowScored, Evaluation lowEval, PrintStream err) {
        err.printf("eval: scoring the same images in fp32 for comparison%n");
        try (ModelPackage ref = ModelPackage.load(model, 0, InferenceDevice.cpu())) {
            ModelScoring.Scored refScored = ModelScoring.score(ref, samples, err);
            Evaluation refEval = Evaluation.of(ref.info().classes(), ref.info().okIndex(), refScored.probs(), refScored.labels(), threshold);
            int ok = low.info().okIndex();
            int flipped = 0;
            double maxDelta = 0;
            for (int i = 0; i < lowScored.probs().length; i++) {
                float a = 1f - lowScored.probs()[i][ok], b = 1f - refScored.probs()[i][ok];
                if ((a >= threshold) != (b >= threshold)) flipped++;
                maxDelta = Math.max(maxDelta, Math.abs(a - b));
            }
            int n = lowScored.probs().length;
            System.out.printf(Locale.ROOT, "%s against fp32: AUROC %s (fp32 %s, difference %+.4f), %d of %d decisions flipped at threshold %.2f, "
                    + "largest score difference %.4f%n", precision, EvalReport.fmt(lowEval.auroc()), EvalReport.fmt(refEval.auroc()),
                    lowEval.auroc() - refEval.auroc(), flipped, n, threshold, maxDelta);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("precision", low.device().precision().toString());
            m.put("aurocFp32", refEval.auroc());
            m.put("aurocDifference", lowEval.auroc() - refEval.auroc());
            m.put("flippedDecisions", flipped);
            m.put("flippedFraction", n == 0 ? 0.0 : (double) flipped / n);
            m.put("maxScoreDifference", maxDelta);
            return m;
        }
    }

    static void print(Evaluation e, int skipped) {
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "%d good, %d defective%s%n", e.okCount(), e.defectCount(),
                skipped > 0 ? " (" + skipped + " unreadable files skipped)" : "");
        out.printf(Locale.ROOT, "AUROC %s   accuracy %s%n", EvalReport.fmt(e.auroc()), EvalReport.fmt(e.accuracy()));
        out.printf(Locale.ROOT, "at threshold %.2f: escape rate %s, false-reject rate %s%n", e.threshold(),
                EvalReport.fmt(e.escapeRate()), EvalReport.fmt(e.falseRejectRate()));
        double[] recall = e.perClassRecall();
        out.print("confusion (rows true, columns predicted):");
        for (String c : e.classes()) out.printf(" %10s", c);
        out.println();
        for (int t = 0; t < e.classes().size(); t++) {
            out.printf(Locale.ROOT, "  %-38s", e.classes().get(t) + " (recall " + EvalReport.fmt(recall[t]) + ")");
            for (int p = 0; p < e.classes().size(); p++) out.printf(" %10d", e.confusion()[t][p]);
            out.println();
        }
    }
}
