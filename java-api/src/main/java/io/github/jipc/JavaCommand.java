package io.github.jipc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of a child JVM for {@link Subprocess#java}: one place builds it. */
final class JavaCommand {
    private JavaCommand() {}

    /**
     * The wrapper's words, the java launcher (or the {@value Subprocess#JAVA_LAUNCHER_PROPERTY}
     * program), the class path (this JVM's if null), the JVM options, then tail.
     */
    static List<String> of(List<String> wrapper, String classPath, List<String> jvmOptions, List<String> tail) {
        List<String> cmd = new ArrayList<>(wrapper);
        String launcher = System.getProperty(Subprocess.JAVA_LAUNCHER_PROPERTY, "");
        if (launcher.isEmpty()) {
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        } else {
            cmd.add(launcher);
            cmd.add("-D" + Subprocess.JAVA_LAUNCHER_PROPERTY + "=" + launcher);
        }
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(classPath != null ? classPath : System.getProperty("java.class.path"));
        cmd.addAll(jvmOptions);
        cmd.addAll(tail);
        return cmd;
    }
}
