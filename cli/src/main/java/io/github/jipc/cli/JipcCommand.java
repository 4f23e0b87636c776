package io.github.jipc.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import io.github.jipc.Jipc;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code jipc} command: its subcommands and version. */
@Command(name = "jipc",
        mixinStandardHelpOptions = true,
        versionProvider = JipcCommand.Version.class,
        description = "Linux inter-process communication for the JVM.",
        subcommands = { TourCommand.class, ListCommand.class, RmCommand.class, io.github.jipc.bench.xproc.BenchCommand.class,
            ChildCommand.class, CommandLine.HelpCommand.class })
public final class JipcCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    /** The command line of {@code jipc}, ready to execute. */
    public static CommandLine commandLine() {
        return new CommandLine(new JipcCommand());
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: try 'jipc tour' or 'jipc help'");
    }

    /** This build's version, read from a resource Maven filled in. */
    static String version() {
        try (InputStream in = JipcCommand.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prints the version, the JVM and whether the native library loads here. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String nativeState = Jipc.isAvailable() ? "loaded"
                    : "not loaded: " + Jipc.unavailabilityCause().getMessage();
            return new String[] {
                "jipc " + version(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + "), "
                        + System.getProperty("os.name") + " " + System.getProperty("os.version"),
                "native library for " + Jipc.platform() + ": " + nativeState,
            };
        }
    }
}
