package io.github.jipc.bench.jni;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.bytedeco.javacpp.Loader;

/**
 * Loads libjniJipcBench.so from a copy named by its content, before
 * JavaCPP's {@code Loader.load()}, which then finds it loaded. JavaCPP's own
 * cache takes a cached file of the same size and jar timestamp as the one in
 * the jar, and reproducible builds give every build one timestamp: a rebuilt
 * jar whose library kept its size would run the old build's native code
 * against the new bindings (a changed signature then crashes the JVM). jipc's
 * own library is loaded the same way, by jipc.
 */
final class BenchLibrary {
    private static final String NAME = "jniJipcBench";

    private BenchLibrary() {}

    /** Loads the library if the class path holds one for this platform; else JavaCPP searches as usual. */
    static void load() {
        String resource = "/io/github/jipc/bench/jni/" + Loader.getPlatform() + "/" + System.mapLibraryName(NAME);
        try (InputStream in = BenchLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                return;
            }
            byte[] bytes = in.readAllBytes();
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12);
            Path dir = Loader.getCacheDir().toPath().resolve("jipc-bench-" + digest);
            Path file = dir.resolve(System.mapLibraryName(NAME));
            if (!Files.isRegularFile(file) || Files.size(file) != bytes.length) {
                Files.createDirectories(dir);
                Path part = Files.createTempFile(dir, NAME, ".part");
                Files.write(part, bytes);
                Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            Loader.loadLibrary(BenchNative.class, new URL[] { file.toUri().toURL() }, NAME);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw (UnsatisfiedLinkError) new UnsatisfiedLinkError("cannot copy " + resource + " out of the jar: " + e)
                    .initCause(e);
        }
    }
}
