package io.github.jipc.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.jipc.internal.LoadDiagnostics.Attempt;
import io.github.jipc.internal.LoadDiagnostics.Host;

class LoadDiagnosticsTest {
    private static final Host X86 = new Host("linux-x86_64", "Linux", "amd64");
    private static final List<Attempt> ABSENT = List.of(
            new Attempt("class path resource io/github/jipc/internal/jni/linux-x86_64/libjniJipc.so", "absent"),
            new Attempt("java.library.path (/usr/lib)", "not there either"));

    @Test
    void aMissingClassifierNamesThePlatformWhatIsPresentAndTheDependencyToAdd() {
        String m = LoadDiagnostics.message(X86, "1.2.3", List.of("linux-arm64"), false, ABSENT,
                new UnsatisfiedLinkError("no jniJipc in java.library.path: /usr/lib"));
        assertContains(m, "linux-x86_64 (os.name=Linux, os.arch=amd64)");
        assertContains(m, "is not on the class path");
        assertContains(m, "Add the dependency io.github.jipc:jipc:1.2.3:linux-x86_64");
        assertContains(m, "<classifier>linux-x86_64</classifier>");
        assertContains(m, "io.github.jipc:jipc-platform:1.2.3 (<type>pom</type>)");
        assertContains(m, "Native libraries of jipc on the class path: linux-arm64.");
        assertContains(m, "  - class path resource io/github/jipc/internal/jni/linux-x86_64/libjniJipc.so: absent");
        assertContains(m, "  - java.library.path (/usr/lib): not there either");
        assertContains(m, "Cause: java.lang.UnsatisfiedLinkError: no jniJipc in java.library.path");
    }

    @Test
    void withoutAnyClassifierItSaysNoneAndAnUnknownVersionIsAPlaceholder() {
        String m = LoadDiagnostics.message(X86, null, List.of(), false, ABSENT, null);
        assertContains(m, "Native libraries of jipc on the class path: none.");
        assertContains(m, "io.github.jipc:jipc:<jipc's version>:linux-x86_64");
        assertFalse(m.contains("Cause:"), m);
    }

    @Test
    void anUnsupportedArchitectureIsNamedWithWhatJipcShips() {
        String m = LoadDiagnostics.message(new Host("linux-riscv64", "Linux", "riscv64"), "1.2.3",
                List.of("linux-x86_64", "linux-arm64"), false, ABSENT, null);
        assertContains(m, "no native library for this platform, linux-riscv64 (os.name=Linux, os.arch=riscv64)");
        assertContains(m, "it ships linux-x86_64 and linux-arm64 only");
        assertContains(m, "-Djipc.library");
        assertContains(m, "Native libraries of jipc on the class path: linux-x86_64, linux-arm64.");
        assertFalse(m.contains("Add the dependency"), m);
    }

    @Test
    void anotherOperatingSystemIsToldThatJipcIsLinuxOnly() {
        String m = LoadDiagnostics.message(new Host("macosx-arm64", "Mac OS X", "aarch64"), "1.2.3",
                List.of(), false, ABSENT, null);
        assertContains(m, "jipc runs on Linux only; this JVM runs on macosx-arm64 (os.name=Mac OS X, os.arch=aarch64)");
    }

    @Test
    void aLibraryThatFailsToLoadFromANoexecFolderGetsTheHint() {
        List<Attempt> tried = List.of(
                new Attempt("jipc.cachedir /tmp/c/jipc-0123/libjniJipc.so",
                        "failed to map segment from shared object (" + Mounts.NOEXEC_NOTE + ")"),
                new Attempt("fallback /home/u/.cache/jipc", "cannot extract there: java.nio.file.AccessDeniedException"));
        UnsatisfiedLinkError last = new UnsatisfiedLinkError("failed to map segment from shared object");
        String m = LoadDiagnostics.message(X86, "1.2.3", List.of("linux-x86_64"), true, tried, last);
        assertContains(m, "is on the class path but could not be loaded");
        assertContains(m, "noexec");
        assertContains(m, "-Djipc.cachedir");
        assertContains(m, "  - jipc.cachedir /tmp/c/jipc-0123/libjniJipc.so: failed to map segment");
        assertContains(m, "  - fallback /home/u/.cache/jipc: cannot extract there");
        assertFalse(m.contains("Cause:"), "the cause repeats an attempt: " + m);
        assertFalse(m.contains("Add the dependency"), m);
    }

    @Test
    void anOldGlibcIsNamed() {
        List<Attempt> tried = List.of(new Attempt("JavaCPP's cache folder /c/libjniJipc.so",
                "/lib/libc.so.6: version `GLIBC_2.34' not found (required by /c/libjniJipc.so)"));
        String m = LoadDiagnostics.message(X86, "1.2.3", List.of("linux-x86_64"), true, tried, null);
        assertContains(m, "glibc");
        assertFalse(m.contains("noexec"), m);
    }

    @Test
    void theFallbackWarningNamesWhereItLoadedAndWhatFailed() {
        String w = LoadDiagnostics.fallbackWarning("/home/u/.cache/jipc/jipc-0123/libjniJipc.so",
                List.of(new Attempt("jipc.cachedir /tmp/c/libjniJipc.so", "failed to map segment")));
        assertContains(w, "from /home/u/.cache/jipc/jipc-0123/libjniJipc.so");
        assertContains(w, "  - jipc.cachedir /tmp/c/libjniJipc.so: failed to map segment");
        assertContains(w, "-Djipc.cachedir");
    }

    @Test
    void coordinatesAreGroupArtifactVersionClassifier() {
        assertTrue(LoadDiagnostics.coordinates("1.0", "linux-arm64").equals("io.github.jipc:jipc:1.0:linux-arm64"));
    }

    static void assertContains(String text, String part) {
        assertTrue(text.contains(part), () -> "expected to contain <" + part + "> in:\n" + text);
    }
}
