package io.sightline.station.cli;

import io.sightline.inference.PackageSignature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code sightline model keygen|sign|verify}: Ed25519 signatures of model packages, for stations
 * whose config lists {@code model-signers} (see {@link PackageSignature}).
 */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Sign model packages and check their signatures.",
        subcommands = {ModelCommand.Keygen.class, ModelCommand.Sign.class, ModelCommand.Verify.class})
public final class ModelCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Write a new signing key NAME.key (keep it private; mode 600) and NAME.pub (give it to stations) into DIR.")
    static final class Keygen implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--out", paramLabel = "DIR", required = true, description = "the folder to write into")
        Path out;
        @Option(names = "--name", required = true, description = "the signer's name, e.g. qa-team")
        String name;

        @Override
        public Integer call() {
            Path[] keys = PackageSignature.keygen(out, name);
            PrintWriter o = spec.commandLine().getOut();
            o.printf("wrote %s (private, mode 600) and %s; stations that require it list it under model-signers:%n%n"
                    + "model-signers: [%s]%n", keys[0], keys[1], keys[1].toAbsolutePath());
            o.flush();
            return 0;
        }
    }

    @Command(name = "sign", mixinStandardHelpOptions = true, description = "Sign the model package M with a key from model keygen.")
    static final class Sign implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--model", paramLabel = "M", required = true, description = "the model package folder")
        Path model;
        @Option(names = "--key", paramLabel = "NAME.key", required = true, description = "the private key (NAME.pub must lie beside it)")
        Path key;

        @Override
        public Integer call() {
            String name = key.getFileName().toString().replaceFirst("\\.key$", "");
            PackageSignature.sign(model, key, name);
            PrintWriter o = spec.commandLine().getOut();
            o.printf("signed %s as %s: %s%n", model, name, model.resolve(PackageSignature.FILE_NAME));
            o.flush();
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check that M is signed by one of the given public keys; exit 1 naming why not.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--model", paramLabel = "M", required = true, description = "the model package folder")
        Path model;
        @Option(names = "--signer", paramLabel = "NAME.pub", required = true, description = "a trusted public key (repeatable)")
        List<Path> signers;

        @Override
        public Integer call() {
            String signer = PackageSignature.verify(model, signers);
            spec.commandLine().getOut().printf("%s is signed by %s%n", model, signer);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
