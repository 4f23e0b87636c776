package io.github.jipc.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class CStringsTest {
    @Test
    void utf8WithATerminatingNul() {
        assertArrayEquals("/é\uD83D\uDE00\0".getBytes(StandardCharsets.UTF_8), CStrings.of("name", "/é\uD83D\uDE00"));
    }

    @Test
    void aNulInsideIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CStrings.of("name", "a\0b"));
    }

    /** A regression: getBytes made "/lone?surrogate" of them, and jipc created an object of that other name. */
    @Test
    void aLoneSurrogateIsRefusedNotTurnedIntoAQuestionMark() {
        for (String s : new String[] { "lone\uD800surrogate", "\uDFFF", "end\uD83D", "\uDE00start" }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CStrings.of("name", s));
            assertTrue(e.getMessage().contains("lone surrogate"), e.getMessage());
        }
    }
}
