package io.github.jipc;

import java.lang.ProcessBuilder.Redirect;

/**
 * Where one standard stream of a child goes, as a {@link Subprocess.Builder}
 * was told: inherited, a file, a jipc pipe or FIFO end, or a new pipe whose
 * other end the {@link Subprocess} owns.
 */
sealed interface Stdio {
    /** The parent's own descriptor (the default). */
    Stdio INHERIT = new Inherit();
    /** A new pipe; the parent's end is {@link Subprocess#stdin()}, {@link Subprocess#stdout()} or {@link Subprocess#stderr()}. */
    Stdio PIPE = new Piped();

    /** The stream the JDK's redirect names. */
    static Stdio of(Redirect redirect) {
        return switch (redirect.type()) {
            case INHERIT -> INHERIT;
            case PIPE -> PIPE;
            default -> new ToFile(redirect);
        };
    }

    /** Inherits the parent's descriptor. */
    record Inherit() implements Stdio {}

    /** A pipe made at start. */
    record Piped() implements Stdio {}

    /** A file opened at start: {@link Redirect#from}, {@link Redirect#to}, {@link Redirect#appendTo}, {@link Redirect#DISCARD}. */
    record ToFile(Redirect redirect) implements Stdio {}

    /** A jipc pipe or FIFO end, closed in the parent after start unless kept. */
    record End(PipeEnd end) implements Stdio {}
}
