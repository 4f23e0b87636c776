package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExitStatusTest {
    @Test
    void exitedAndSignaledAreExclusive() {
        ExitStatus ok = new ExitStatus(true, 0, false);
        assertTrue(ok.isSuccess());
        assertTrue(ok.exited());
        assertFalse(ok.signaled());
        assertThrows(IllegalStateException.class, ok::signal);

        ExitStatus segv = new ExitStatus(false, 11, true);
        assertEquals(11, segv.signal());
        assertTrue(segv.coreDumped());
        assertEquals("killed by SIGSEGV (core dumped)", segv.toString());
        assertNotEquals(ok, segv);
        assertEquals(new ExitStatus(false, 11, true), segv);
        assertEquals(new ExitStatus(false, 11, true).hashCode(), segv.hashCode());
    }
}
