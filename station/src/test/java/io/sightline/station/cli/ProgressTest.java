package io.sightline.station.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Progress into a file or a pipe is one line per step; only a terminal gets carriage-return redraws. */
class ProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String written() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutATerminalEachStepIsALineAndTransientStepsAreLeftOut() {
        Progress p = new Progress(out, false);
        p.step("reading images 25/60");
        p.transientStep("epoch 1/2 [####....] step 3/8");
        p.step("reading images 50/60");
        p.line("epoch 1/2: train loss 0.5");
        p.end();
        assertEquals("reading images 25/60\nreading images 50/60\nepoch 1/2: train loss 0.5\n", written());
    }

    @Test
    void onATerminalStepsRedrawInPlaceAndALineReplacesThem() {
        Progress p = new Progress(out, true);
        p.step("step 10/100");
        p.step("step 9");
        p.line("done");
        p.step("x");
        p.end();
        assertEquals("\rstep 10/100\rstep 9     \rdone  \n\rx\n", written());
    }

    @Test
    void carriageReturnRedrawsWrittenByOtherCodeBecomeOneLinePerStep() {
        PrintStream lines = new PrintStream(new Progress.CarriageReturnsAsLines(out), true, StandardCharsets.UTF_8);
        lines.println("eval: model m, 60 images");
        for (int done = 25; done <= 60; done += 25) lines.printf("\r%s %d/%d", "reading images", done, 60);
        lines.printf("\r%s %d/%d", "reading images", 60, 60);
        lines.println("\rsightline: a warning");
        lines.println();
        lines.print("crlf line\r\n");
        String s = written();
        assertFalse(s.contains("\r"), s);
        assertEquals("eval: model m, 60 images\nreading images 25/60\nreading images 50/60\nreading images 60/60\n"
                + "sightline: a warning\n\ncrlf line\n", s);
    }
}
