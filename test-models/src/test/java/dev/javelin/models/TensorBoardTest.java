package dev.javelin.models;

import static dev.javelin.compiler.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.report.TensorBoardEvents;
import dev.javelin.compiler.testing.Cli.Run;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code javelin train --tensorboard DIR} writes a TensorBoard event file: valid TFRecord framing
 * (length, masked CRC32C of the length, data, masked CRC32C of the data) around Event protocol
 * buffers: the file version first, then one {@code loss} scalar per step equal to the loss file's.
 * {@code --plot FILE.png} draws the curves (JFreeChart, headless).
 */
class TensorBoardTest {
    @TempDir
    Path tmp;

    /** A decoded Event: its step, and either the file version or one scalar. */
    record Event(double wallTime, long step, String fileVersion, String tag, float value) {}

    @Test
    void trainingWritesOneLossScalarPerStepInValidTfRecords() throws IOException {
        Path dir = tmp.resolve("tb");
        Path csv = tmp.resolve("loss.csv");
        Run r = run(
                "train",
                "--model",
                "two-layer-net",
                "--steps",
                "5",
                "--lr",
                "1e-6",
                "--backend",
                "interpreter",
                "--tensorboard",
                dir.toString(),
                "--loss-csv",
                csv.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("TensorBoard scalars written to "), r.out());
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.toList();
        }
        assertEquals(1, files.size(), files.toString());
        assertTrue(files.getFirst().getFileName().toString().startsWith("events.out.tfevents."), files.toString());
        List<Event> events = read(Files.readAllBytes(files.getFirst()));
        assertEquals("brain.Event:2", events.getFirst().fileVersion());
        List<String> losses = Files.readAllLines(csv);
        assertEquals(losses.size() + 1, events.size());
        for (int i = 0; i < losses.size(); i++) {
            Event e = events.get(i + 1);
            String[] row = losses.get(i).split(",");
            assertEquals("loss", e.tag());
            assertEquals(Long.parseLong(row[0]), e.step());
            assertEquals((float) Double.parseDouble(row[1]), e.value());
            assertTrue(e.wallTime() > 1.7e9, "wall time in seconds since 1970: " + e.wallTime());
        }
    }

    @Test
    void trainingDrawsItsCurvesIntoAPng() throws IOException {
        Path png = tmp.resolve("curves.png");
        Run r = run(
                "train",
                "--model",
                "two-layer-net",
                "--steps",
                "8",
                "--lr",
                "1e-6",
                "--backend",
                "interpreter",
                "--plot",
                png.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("training curves drawn to " + png), r.out());
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(900, image.getWidth());
        assertEquals(500, image.getHeight());
        java.util.Set<Integer> colors = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 5) {
            for (int x = 0; x < image.getWidth(); x += 5) {
                colors.add(image.getRGB(x, y));
            }
        }
        assertTrue(colors.size() > 10, "a drawn chart, not a blank image: " + colors.size() + " colours");
    }

    @Test
    void theChecksumIsCrc32cMaskedAsTfRecordDoes() {
        CRC32C c = new CRC32C();
        c.update("123456789".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0xE3069283L, c.getValue(), "CRC32C's check value");
        int raw = 0xE3069283;
        assertEquals(
                ((raw >>> 15) | (raw << 17)) + 0xa282ead8,
                TensorBoardEvents.maskedCrc("123456789".getBytes(StandardCharsets.US_ASCII)));
    }

    /** Every record of a TFRecord file, checking both checksums, decoded as an Event. */
    static List<Event> read(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        List<Event> out = new ArrayList<>();
        while (b.hasRemaining()) {
            byte[] length = new byte[8];
            b.get(length);
            assertEquals(TensorBoardEvents.maskedCrc(length), b.getInt(), "length checksum of record " + out.size());
            int n = (int) ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong();
            byte[] data = new byte[n];
            b.get(data);
            assertEquals(TensorBoardEvents.maskedCrc(data), b.getInt(), "data checksum of record " + out.size());
            out.add(event(data));
        }
        return out;
    }

    private static Event event(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        double wall = 0;
        long step = 0;
        String version = null;
        String tag = null;
        float value = Float.NaN;
        while (b.hasRemaining()) {
            int key = (int) varint(b);
            switch (key) {
                case (1 << 3) | 1 -> wall = b.getDouble();
                case (2 << 3) -> step = varint(b);
                case (3 << 3) | 2 -> version = new String(bytes(b), StandardCharsets.UTF_8);
                case (5 << 3) | 2 -> {
                    ByteBuffer summary = ByteBuffer.wrap(bytes(b)).order(ByteOrder.LITTLE_ENDIAN);
                    assertEquals((1 << 3) | 2, varint(summary), "Summary.value");
                    ByteBuffer v = ByteBuffer.wrap(bytes(summary)).order(ByteOrder.LITTLE_ENDIAN);
                    assertEquals((1 << 3) | 2, varint(v), "Value.tag");
                    tag = new String(bytes(v), StandardCharsets.UTF_8);
                    assertEquals((2 << 3) | 5, varint(v), "Value.simple_value");
                    value = v.getFloat();
                }
                default -> throw new AssertionError("unexpected field key " + key + " in " + Arrays.toString(data));
            }
        }
        return new Event(wall, step, version, tag, value);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[(int) varint(b)];
        b.get(out);
        return out;
    }

    private static long varint(ByteBuffer b) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b.get() & 0xff;
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
    }
}
