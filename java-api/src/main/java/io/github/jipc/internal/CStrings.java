package io.github.jipc.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** NUL-terminated UTF-8 encodings for the shims (JavaCPP's own String conversion uses the default charset). */
public final class CStrings {
    private CStrings() {}

    /**
     * s as NUL-terminated UTF-8; what names the argument in the error message.
     * A NUL inside, or a lone surrogate (which UTF-8 cannot encode, and
     * String.getBytes would silently turn into '?', naming another object),
     * is an IllegalArgumentException.
     */
    public static byte[] of(String what, String s) {
        Objects.requireNonNull(s, what);
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains a NUL character: " + s.replace('\0', '?'));
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(what + " contains a lone surrogate (U+"
                        + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + " at index " + i
                        + "), which UTF-8 cannot encode");
            }
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] c = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, c, 0, utf8.length);
        return c;
    }

    public static byte[] of(Path path) {
        Objects.requireNonNull(path, "path");
        return of("path", path.toString());
    }

    /** The strings one after the other, each NUL-terminated, as the spawn shim reads them. */
    public static byte[] block(String what, List<String> strings) {
        int size = 0;
        byte[][] parts = new byte[strings.size()][];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = of(what, strings.get(i));
            size += parts[i].length;
        }
        byte[] block = new byte[Math.max(size, 1)];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, block, at, p.length);
            at += p.length;
        }
        return block;
    }
}
