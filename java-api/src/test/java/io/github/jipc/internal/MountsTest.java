package io.github.jipc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class MountsTest {
    private static final String MOUNTINFO = String.join("\n",
            "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
            "30 22 0:26 / /tmp rw,nosuid,nodev,noexec,relatime shared:5 - tmpfs tmpfs rw",
            "31 30 0:27 / /tmp/build rw,relatime - tmpfs tmpfs rw",
            "32 22 0:28 / /data rw,relatime - tmpfs tmpfs rw",
            "33 22 0:29 / /data rw,noexec,relatime - tmpfs tmpfs rw",
            "34 22 0:30 / /mnt/with\\040space rw,noexec - tmpfs tmpfs rw",
            "35 22 0:31 / /opt rw,noexecx - tmpfs tmpfs rw",
            "");

    @Test
    void theLongestMountPointAboveThePathDecides() {
        assertTrue(Mounts.isNoexec(MOUNTINFO, Path.of("/tmp/jipc/cache")));
        assertTrue(Mounts.isNoexec(MOUNTINFO, Path.of("/tmp")));
        assertFalse(Mounts.isNoexec(MOUNTINFO, Path.of("/tmp/build/x")));
        assertFalse(Mounts.isNoexec(MOUNTINFO, Path.of("/tmpfoo")), "a name prefix is not a parent folder");
        assertFalse(Mounts.isNoexec(MOUNTINFO, Path.of("/home/u/.cache")));
    }

    @Test
    void ofMountsOnTheSameFolderTheLastOneIsOnTop() {
        assertTrue(Mounts.isNoexec(MOUNTINFO, Path.of("/data/x")));
    }

    @Test
    void escapedMountPointsAndLookalikeOptionsAreReadRight() {
        assertEquals("/mnt/with space", Mounts.unescape("/mnt/with\\040space"));
        assertEquals("a\\b", Mounts.unescape("a\\134b"));
        assertEquals("bad\\9", Mounts.unescape("bad\\9"));
        assertTrue(Mounts.isNoexec(MOUNTINFO, Path.of("/mnt/with space/lib")));
        assertFalse(Mounts.isNoexec(MOUNTINFO, Path.of("/opt/lib")));
    }

    @Test
    void unreadableOrEmptyInformationMeansNotKnownToBeNoexec() {
        assertFalse(Mounts.isNoexec("", Path.of("/tmp")));
        assertFalse(Mounts.isNoexec(Path.of("/no/such/folder/jipc")));
    }
}
