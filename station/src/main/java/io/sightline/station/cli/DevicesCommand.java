package io.sightline.station.cli;

import io.sightline.inference.BatchSizes;
import io.sightline.inference.InferenceDevice;
import io.sightline.inference.TensorFlowBuild;
import io.sightline.natives.Natives;
import io.sightline.natives.cuda.CudaDevice;
import io.sightline.natives.cuda.CudaDevices;
import io.sightline.natives.cuda.CudaReport;
import io.sightline.natives.cuda.Device;
import io.sightline.natives.cuda.DeviceRequest;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sightline devices [--json]}: what CUDA discovery finds on this machine, which TensorFlow
 * build is loaded, and what {@code auto} resolves to for preprocessing and for inference, with why.
 * Exit 0 either way: a machine without a GPU is not an error.
 */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = {"Show the compute devices: the CUDA driver and runtime versions and every GPU (memory, compute capability,",
            "multiprocessors), or why CUDA cannot be used; the TensorFlow build (CPU or CUDA); what device 'auto' resolves to and why.",
            "Exit 0 with or without a GPU."})
public final class DevicesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print one JSON object on the last line of standard output: cuda{available, reason, driverVersion, "
            + "runtimeVersion, presetsRuntimeVersion, devices[]}, tensorflow{version, cudaBuild}, auto{device, reason}, inference{device, reason, maxBatch}")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        CudaReport report = CudaDevices.discover();
        Device auto = CudaDevices.select(DeviceRequest.AUTO);
        String tfVersion = Natives.tensorflow();
        boolean tfCuda = TensorFlowBuild.hasCuda();
        InferenceDevice inference = InferenceDevice.choose(DeviceRequest.AUTO);
        int maxBatch = BatchSizes.maxBatch(inference, report);

        if (report.available()) {
            out.println("CUDA: driver " + CudaReport.version(report.driverVersion()) + ", runtime " + CudaReport.version(report.runtimeVersion())
                    + " (presets built for " + CudaReport.version(report.presetsRuntimeVersion()) + "), " + report.devices().size() + " device(s)");
            for (CudaDevice d : report.devices()) out.println("  " + d.describe());
        } else {
            out.println("CUDA: not available: " + report.reason());
        }
        out.println("TensorFlow: " + tfVersion + ", " + (tfCuda ? "CUDA build" : "CPU build (built without CUDA)"));
        out.println("auto: " + auto + (report.available() ? " (" + auto.reason() + ")" : " (CUDA not available, see above)"));
        out.println("inference on auto: " + inference + ", max batch " + maxBatch
                + (inference.device().equals(auto) ? "" : " (" + inference.reason() + ")"));

        if (json) {
            Map<String, Object> cuda = new LinkedHashMap<>();
            cuda.put("available", report.available());
            cuda.put("reason", report.reason());
            cuda.put("driverVersion", CudaReport.version(report.driverVersion()));
            cuda.put("runtimeVersion", CudaReport.version(report.runtimeVersion()));
            cuda.put("presetsRuntimeVersion", CudaReport.version(report.presetsRuntimeVersion()));
            List<Map<String, Object>> devices = new ArrayList<>();
            for (CudaDevice d : report.devices()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("index", d.index());
                m.put("name", d.name());
                m.put("totalMemoryBytes", d.totalMemoryBytes());
                m.put("freeMemoryBytes", d.freeMemoryBytes());
                m.put("computeCapability", d.capability());
                m.put("multiprocessors", d.multiprocessorCount());
                devices.add(m);
            }
            cuda.put("devices", devices);
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("cuda", cuda);
            root.put("tensorflow", Map.of("version", tfVersion, "cudaBuild", tfCuda));
            root.put("auto", Map.of("device", auto.toString(), "reason", auto.reason()));
            root.put("inference", Map.of("device", inference.toString(), "reason", inference.reason(), "maxBatch", maxBatch));
            out.println(Json.line(root));
        }
        out.flush();
        return 0;
    }
}
