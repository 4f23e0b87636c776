package io.github.jipc.cli;

/** Entry point of the {@code jipc} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(JipcCommand.commandLine().execute(args));
    }
}
