package io.sightline.postprocess;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;

class LoggingRejectSinkContractTest extends RejectSinkContract {
    @TempDir
    Path tmp;

    private Path log() {
        return tmp.resolve("signals.log");
    }

    @Override
    protected RejectSink newSink() throws Exception {
        return new LoggingRejectSink(new PrintStream(Files.newOutputStream(log()), true, StandardCharsets.UTF_8), true, true);
    }

    @Override
    protected List<String> received() throws Exception {
        List<String> out = new ArrayList<>();
        Pattern reject = Pattern.compile(" reject line=(\\d+) part=(\\d+) ");
        Pattern result = Pattern.compile(" result line=(\\d+) part=(\\d+) decision=(\\w+)");
        Pattern trend = Pattern.compile(" trend-alarm \\w+ line=(\\d+) part=\\d+ detector=([\\w-]+)");
        for (String line : Files.readAllLines(log())) {
            Matcher m = reject.matcher(line);
            if (m.find()) out.add("reject " + m.group(1) + " " + m.group(2));
            m = result.matcher(line);
            if (m.find()) out.add("result " + m.group(1) + " " + m.group(2) + " " + m.group(3));
            m = trend.matcher(line);
            if (m.find()) out.add("trend " + m.group(1) + " " + m.group(2));
        }
        return out;
    }
}
