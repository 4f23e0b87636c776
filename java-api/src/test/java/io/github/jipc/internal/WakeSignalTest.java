package io.github.jipc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.github.jipc.internal.jni.GuardNative;

class WakeSignalTest {
    @Test
    void theDefaultIsSigrtmaxMinusThree() {
        NativeLibrary.ensureAvailable();
        assertEquals(GuardNative.SIGRTMAX() - 3, GuardNative.jipc_guard_signal());
    }

    @Test
    void specsNameRealTimeSignals() {
        assertEquals(GuardNative.SIGRTMAX() - 4, WakeSignal.parse("SIGRTMAX-4"));
        assertEquals(GuardNative.SIGRTMIN() + 2, WakeSignal.parse("sigrtmin+2"));
        assertEquals(GuardNative.SIGRTMAX(), WakeSignal.parse("SIGRTMAX"));
        assertEquals(50, WakeSignal.parse("50"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WakeSignal.parse("SIGUSR1"));
        assertTrue(e.getMessage().contains("jipc.wakeSignal"), e.getMessage());
    }

    @Test
    void theWokenStatusIsNoErrnoValue() {
        assertTrue(Errno.WOKEN >= 4096, "errno values stay below 4096: " + Errno.WOKEN);
        assertEquals("errno " + Errno.WOKEN, Errno.name(Errno.WOKEN));
    }
}
