package io.github.jipc.internal;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * What an EACCES message says about the object refused: its mode, owner and
 * group, who this process runs as, and what to do. Read where any process
 * can: a path's attributes, {@code /proc/sysvipc} for System V objects (which
 * lists every object with its mode and owner, whatever its mode).
 */
public final class Access {
    /** Describes an object's mode and owner, or says why they cannot be read. */
    @FunctionalInterface
    public interface Owner {
        /** {@return the description, never null} */
        String describe();
    }

    private static final String TODO = ": its owner (or root) can widen the mode (chmod(1), or the permissions given"
            + " at creation), or run this process as a user or group the mode lets in";

    private Access() {}

    /** The file (FIFO, socket file, regular file, /dev/shm entry) at path. */
    public static Owner file(Path path) {
        return () -> {
            try {
                Map<String, Object> a = Files.readAttributes(path, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
                return path + " has " + describe((Integer) a.get("mode"), (Integer) a.get("uid"), (Integer) a.get("gid"));
            } catch (IOException | UnsupportedOperationException e) {
                return "the mode and owner of " + path + " cannot be read here (" + e.getClass().getSimpleName()
                        + ": a folder on the way may deny search); " + self() + TODO;
            }
        };
    }

    /** A POSIX message queue, listed where the mqueue file system is mounted. */
    public static Owner queue(String name) {
        Path p = Path.of("/dev/mqueue", name.substring(1));
        return () -> mqueueMounted() ? file(p).describe()
                : "its mode and owner show under /dev/mqueue once the mqueue file system is mounted there"
                        + " (mount -t mqueue none /dev/mqueue); " + self() + TODO;
    }

    /**
     * A System V object of table ("shm", "sem" or "msg" under /proc/sysvipc)
     * by its key (byKey) or id.
     */
    public static Owner sysv(String table, int keyOrId, boolean byKey) {
        return () -> {
            String text;
            try (FileInputStream in = new FileInputStream("/proc/sysvipc/" + table)) {
                text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                return "/proc/sysvipc/" + table + " cannot be read (" + e.getMessage() + "); " + self() + TODO;
            }
            String[] lines = text.split("\n");
            java.util.List<String> header = java.util.List.of(lines[0].trim().split("\\s+"));
            int perms = header.indexOf("perms");
            int uid = header.indexOf("uid");
            int gid = header.indexOf("gid");
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].trim().split("\\s+");
                if (f.length > Math.max(uid, gid) && Integer.parseInt(f[byKey ? 0 : 1]) == keyOrId) {
                    return "it (id " + f[1] + String.format(", key 0x%08x", Integer.parseInt(f[0])) + ") has "
                            + describe(Integer.parseInt(f[perms], 8), Integer.parseInt(f[uid]), Integer.parseInt(f[gid]));
                }
            }
            return "it is no longer listed in /proc/sysvipc/" + table + "; " + self() + TODO;
        };
    }

    private static boolean mqueueMounted() {
        try (FileInputStream in = new FileInputStream("/proc/self/mounts")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[1].equals("/dev/mqueue") && f[2].equals("mqueue")) {
                    return true;
                }
            }
        } catch (IOException e) {
            // no mounts to read
        }
        return false;
    }

    static String describe(int mode, int uid, int gid) {
        int bits = mode & 0777;
        return String.format("mode %04o (%s), owner %s, group %s; ", bits, java.nio.file.attribute.PosixFilePermissions.toString(Modes.fromMode(bits)), user(uid), group(gid))
                + self() + TODO;
    }

    private static String self() {
        int[] ids = ids();
        return "this process runs as " + user(ids[0]) + ", group " + group(ids[1]);
    }

    /** Effective uid and gid, from /proc/self/status. */
    private static int[] ids() {
        int[] ids = { -1, -1 };
        try (FileInputStream in = new FileInputStream("/proc/self/status")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.startsWith("Uid:") || line.startsWith("Gid:")) {
                    ids[line.startsWith("Uid:") ? 0 : 1] = Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown: shown as -1
        }
        return ids;
    }

    private static String user(int uid) {
        return name("/etc/passwd", uid) + " (uid " + uid + ")";
    }

    private static String group(int gid) {
        return name("/etc/group", gid) + " (gid " + gid + ")";
    }

    /** The name of id in a passwd-style file, "?" when not found. */
    private static String name(String file, int id) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                String[] f = line.split(":");
                if (f.length > 2 && f[2].equals(Integer.toString(id))) {
                    return f[0];
                }
            }
        } catch (IOException | RuntimeException e) {
            // no names here
        }
        return "?";
    }
}
