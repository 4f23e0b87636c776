package io.github.jipc.bench.xproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One tiny round of the message queue benchmark: the checks pass and the report has every row; not how fast. */
class MqBenchTest {
    @Test
    @Timeout(120)
    void aTinyRoundOfCAndJipc(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("mq.md");
        String md = MqBench.run(new PrintStream(PrintStream.nullOutputStream()), Map.of("rounds", "1", "warmup", "100",
                "round-trips", "200", "stream-warmup-ms", "50", "stream-ms", "200", "timeout-s", "60", "out", out.toString()));
        assertTrue(md.contains("| round trips of 64 B |"), md);
        assertTrue(md.contains("| round trips of 1 KiB |"), md);
        assertTrue(md.contains("| stream of "), md);
        assertEquals(md, Files.readString(out));
        for (String line : md.split("\n")) {
            if (line.startsWith("| round") || line.startsWith("| stream")) {
                String[] cells = line.split("\\|");
                assertTrue(Double.parseDouble(cells[4].trim()) > 0, line);
            }
        }
    }
}
