package dev.javelin.compiler.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A TensorBoard event file of scalars, written without TensorFlow: TFRecord framing (length, masked
 * CRC32C of the length, the record, masked CRC32C of the record) around {@code Event} protocol
 * buffers encoded by hand ({@code wall_time}, {@code step}, then {@code file_version} for the first
 * record or a {@code Summary} holding one {@code simple_value}). TensorBoard opens the folder as
 * scalars ({@code tensorboard --logdir DIR}).
 */
public final class TensorBoardEvents implements AutoCloseable {
    private final OutputStream out;
    private final Path file;

    /** A new event file in {@code dir} (created if missing), named as TensorBoard expects. */
    public TensorBoardEvents(Path dir) throws IOException {
        Files.createDirectories(dir);
        String host = java.net.InetAddress.getLoopbackAddress().getHostName();
        this.file = dir.resolve("events.out.tfevents." + System.currentTimeMillis() / 1000 + "." + host + ".javelin");
        this.out = Files.newOutputStream(file);
        write(event(now(), 0, 3, fileVersion()));
    }

    public Path file() {
        return file;
    }

    /** One scalar {@code tag} = {@code value} at {@code step}. */
    public void scalar(String tag, long step, double value) throws IOException {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        bytesField(v, 1, tag.getBytes(StandardCharsets.UTF_8));
        v.write(tag(2, 5));
        v.writeBytes(ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putFloat((float) value)
                .array());
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        bytesField(summary, 1, v.toByteArray());
        write(event(now(), step, 5, summary.toByteArray()));
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    private static byte[] fileVersion() {
        return "brain.Event:2".getBytes(StandardCharsets.UTF_8);
    }

    /** An Event: wall_time (1, double), step (2, varint), then field {@code what} as bytes. */
    private static byte[] event(double wallTime, long step, int what, byte[] payload) {
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        e.write(tag(1, 1));
        e.writeBytes(ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putDouble(wallTime)
                .array());
        e.write(tag(2, 0));
        varint(e, step);
        bytesField(e, what, payload);
        return e.toByteArray();
    }

    private static int tag(int field, int wireType) {
        return field << 3 | wireType;
    }

    private static void bytesField(ByteArrayOutputStream o, int field, byte[] bytes) {
        o.write(tag(field, 2));
        varint(o, bytes.length);
        o.writeBytes(bytes);
    }

    private static void varint(ByteArrayOutputStream o, long v) {
        while ((v & ~0x7FL) != 0) {
            o.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        o.write((int) v);
    }

    /** One TFRecord: length, its masked CRC32C, the data, the data's masked CRC32C. */
    private void write(byte[] data) throws IOException {
        byte[] length = ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(data.length)
                .array();
        ByteBuffer frame = ByteBuffer.allocate(8 + 4 + data.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        frame.put(length).putInt(maskedCrc(length)).put(data).putInt(maskedCrc(data));
        out.write(frame.array());
        out.flush();
    }

    /** TFRecord's checksum: CRC32C rotated right by 15 bits plus a constant. */
    public static int maskedCrc(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
