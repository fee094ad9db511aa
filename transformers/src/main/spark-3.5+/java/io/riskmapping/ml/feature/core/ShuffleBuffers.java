package io.riskmapping.ml.feature.core;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;

import org.apache.spark.unsafe.types.UTF8String;

import scala.Tuple2;

/**
 * One map task's buffers, one per reduce partition: each entry goes to the partition of its
 * key's hash (the label by 0, a field's null key by the field), and a buffer of
 * {@link #CHUNK_BYTES} or more is passed on ({@link #ready}).
 */
final class ShuffleBuffers {
    /** A buffer is passed on at this size: well under G1's humongous object size (1 MB for 2–4 GB heaps). */
    static final int CHUNK_BYTES = 1 << 19;
    static final byte TEXT = 0;
    static final byte NUMBER = 1;
    static final byte NULL = 2;
    static final byte LABEL = 3;

    /** Writes one entry: tag, field, key, counts. */
    static void write(DataOutputStream out, byte tag, int field, byte[] text, double number, long n0, long n1, long rows,
            long invalid) throws IOException {
        out.writeByte(tag);
        out.writeInt(field);
        if (tag == TEXT) {
            out.writeInt(text.length);
            out.write(text);
        } else if (tag == NUMBER) {
            out.writeDouble(number);
        }
        out.writeLong(n0);
        out.writeLong(n1);
        out.writeLong(rows);
        out.writeLong(invalid);
    }

    private final int partitions;
    private final ByteArrayOutputStream[] bytes;
    private final DataOutputStream[] outs;
    /** Buffers passed on: (reduce partition, bytes). */
    final ArrayDeque<Tuple2<Integer, byte[]>> ready = new ArrayDeque<>();

    ShuffleBuffers(int partitions) {
        this.partitions = partitions;
        bytes = new ByteArrayOutputStream[partitions];
        outs = new DataOutputStream[partitions];
        for (int i = 0; i < partitions; i++) {
            bytes[i] = new ByteArrayOutputStream(1 << 12);
            outs[i] = new DataOutputStream(bytes[i]);
        }
    }

    void label(long n0, long n1, long rows, long invalid) {
        add(0, LABEL, -1, null, 0, n0, n1, rows, invalid);
    }

    void number(int field, double number, long n0, long n1, long rows, long invalid) {
        add(Double.hashCode(number) * 31 + field, NUMBER, field, null, number, n0, n1, rows, invalid);
    }

    /** A text key given as its UTF-8 bytes. */
    void text(int field, byte[] utf8, long n0, long n1, long rows, long invalid) {
        add(Utf8Keys.hash(UTF8String.fromBytes(utf8)) * 31 + field, TEXT, field, utf8, 0, n0, n1, rows, invalid);
    }

    void nulls(int field, long n0, long n1, long rows, long invalid) {
        add(field, NULL, field, null, 0, n0, n1, rows, invalid);
    }

    private void add(int hash, byte tag, int field, byte[] text, double number, long n0, long n1, long rows, long invalid) {
        int to = Math.floorMod(hash, partitions);
        try {
            write(outs[to], tag, field, text, number, n0, n1, rows, invalid);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes[to].size() >= CHUNK_BYTES) {
            pass(to);
        }
    }

    /** Passes on every buffer that holds anything (at the end of the task). */
    void passAll() {
        for (int i = 0; i < partitions; i++) {
            pass(i);
        }
    }

    private void pass(int to) {
        if (bytes[to].size() > 0) {
            ready.add(new Tuple2<>(to, bytes[to].toByteArray()));
            bytes[to].reset();
        }
    }
}
