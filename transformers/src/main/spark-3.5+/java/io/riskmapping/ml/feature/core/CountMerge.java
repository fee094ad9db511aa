package io.riskmapping.ml.feature.core;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.unsafe.types.UTF8String;

import scala.Tuple2;

/**
 * The reduce side of the fit's aggregation: the partial counts of every partition ({@link
 * PartialCounts#SCHEMA} rows: field, text or numeric key, n0, n1, rows, invalid labels) summed by
 * (field, key) in one shuffle, and brought to the driver in one Spark job.
 *
 * <p>Each map task writes its partial counts into one compact buffer per reduce partition, chosen
 * by the key's hash (the label row and a field's null key by field): a counting task's tables
 * directly, text keys as the bytes they hold ({@link PartialCounts.Counting#buffers}), other
 * partial rows row by row; the buffers (at most 512 KB
 * each) are shuffled; each reduce task sums its keys in the same open-addressing tables the map
 * side counts with ({@link TextCounts}; numeric keys in a {@code HashMap}) and
 * writes its sums as buffers again, which one {@code collect} brings to the driver; the driver
 * reads them back as rows, one buffer at a time. The result is the rows a SQL
 * {@code groupBy(f, s, d).agg(sum(...))} of the partials gives, in another order.
 *
 * <p>Why: Spark's hash aggregation hashes each partial row twice more (its partial aggregation
 * before the shuffle, which finds nothing to merge as each task's keys are already distinct, and
 * its final aggregation), as {@code UnsafeRow}s in {@code BytesToBytesMap}s, and
 * {@code toLocalIterator} then runs one job per reduce partition, one after another
 * (docs/performance.md, "Measured design choices").
 */
public final class CountMerge {
    /**
     * The Spark setting that turns this merge off ({@code false}; default {@code true}): the fit then
     * sums the partial counts with Spark SQL's hash aggregation, with the same result.
     */
    public static final String ENABLED = "spark.riskmapping.countMerge";
    private CountMerge() {
    }

    /**
     * The partial counts summed by (field, key): rows of {@link PartialCounts#SCHEMA}, one per
     * (field, key), with one label row (field -1).
     *
     * @param partitions the number of reduce partitions (at least 1)
     */
    public static Iterator<Row> merged(JavaRDD<Row> partials, int partitions) {
        int p = Math.max(1, partitions);
        List<byte[]> sums = partials.mapPartitionsToPair(new Split(p)).partitionBy(new HashPartitioner(p)).mapPartitions(new Merge())
                .collect();
        return new Decoded(sums);
    }

    /**
     * The map side: partial rows into one buffer per reduce partition, by key hash. A partition
     * whose rows come straight from a counting task ({@link PartialCounts.Counting}: the iterator
     * that {@code mapPartitions} returned, which Spark hands on as is) writes its tables' keys
     * into the buffers as bytes, without making a row, a {@code String} or its UTF-8 copy per key.
     */
    private static final class Split implements PairFlatMapFunction<Iterator<Row>, Integer, byte[]> {
        private static final long serialVersionUID = 1L;
        private final int partitions;

        Split(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public Iterator<Tuple2<Integer, byte[]>> call(Iterator<Row> rows) {
            ShuffleBuffers buffers = new ShuffleBuffers(partitions);
            if (rows instanceof PartialCounts.Counting counting) {
                return counting.buffers(buffers);
            }
            return new Iterator<>() {
                private boolean drained;

                @Override
                public boolean hasNext() {
                    while (buffers.ready.isEmpty() && !drained) {
                        if (rows.hasNext()) {
                            add(rows.next());
                        } else {
                            drained = true;
                            buffers.passAll();
                        }
                    }
                    return !buffers.ready.isEmpty();
                }

                @Override
                public Tuple2<Integer, byte[]> next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return buffers.ready.poll();
                }

                private void add(Row r) {
                    int f = r.getInt(0);
                    if (f < 0) {
                        buffers.label(r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6));
                    } else if (!r.isNullAt(2)) {
                        buffers.number(f, r.getDouble(2), r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6));
                    } else if (!r.isNullAt(1)) {
                        buffers.text(f, r.getString(1).getBytes(StandardCharsets.UTF_8), r.getLong(3), r.getLong(4), r.getLong(5),
                                r.getLong(6));
                    } else {
                        buffers.nulls(f, r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6));
                    }
                }
            };
        }
    }

    /** The reduce side: one partition's buffers summed by (field, key), written as buffers again. */
    private static final class Merge implements FlatMapFunction<Iterator<Tuple2<Integer, byte[]>>, byte[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<byte[]> call(Iterator<Tuple2<Integer, byte[]>> buffers) throws IOException {
            List<TextCounts> texts = new ArrayList<>();
            List<Map<Double, long[]>> numbers = new ArrayList<>();
            long[] label = new long[4];
            boolean anyLabel = false;
            while (buffers.hasNext()) {
                byte[] b = buffers.next()._2();
                ByteBuffer in = ByteBuffer.wrap(b);
                while (in.hasRemaining()) {
                    byte tag = in.get();
                    int f = in.getInt();
                    while (f >= texts.size()) {
                        texts.add(null);
                        numbers.add(null);
                    }
                    UTF8String key = null;
                    double number = 0;
                    if (tag == ShuffleBuffers.TEXT) {
                        int len = in.getInt();
                        key = UTF8String.fromBytes(b, in.position(), len);
                        in.position(in.position() + len);
                    } else if (tag == ShuffleBuffers.NUMBER) {
                        number = in.getDouble();
                    }
                    long n0 = in.getLong();
                    long n1 = in.getLong();
                    long rows = in.getLong();
                    long invalid = in.getLong();
                    if (tag == ShuffleBuffers.LABEL) {
                        anyLabel = true;
                        label[0] += n0;
                        label[1] += n1;
                        label[2] += rows;
                        label[3] += invalid;
                        continue;
                    }
                    if (tag == ShuffleBuffers.NUMBER) {
                        if (numbers.get(f) == null) {
                            numbers.set(f, new HashMap<>());
                        }
                        long[] c = numbers.get(f).computeIfAbsent(number, x -> new long[4]);
                        c[0] += n0;
                        c[1] += n1;
                        c[2] += rows;
                        c[3] += invalid;
                        continue;
                    }
                    if (texts.get(f) == null) {
                        texts.set(f, new TextCounts());
                    }
                    if (tag == ShuffleBuffers.TEXT) {
                        texts.get(f).add(key, n0, n1, rows, invalid);
                    } else {
                        texts.get(f).addNulls(n0, n1, rows, invalid);
                    }
                }
            }
            List<byte[]> out = new ArrayList<>();
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(ShuffleBuffers.CHUNK_BYTES + (1 << 12));
            DataOutputStream data = new DataOutputStream(buffer);
            if (anyLabel) {
                ShuffleBuffers.write(data, ShuffleBuffers.LABEL, -1, null, 0, label[0], label[1], label[2], label[3]);
            }
            for (int f = 0; f < texts.size(); f++) {
                int field = f;
                if (texts.get(f) != null) {
                    texts.get(f).forEach((key, n0, n1, rows, invalid) -> {
                        try {
                            ShuffleBuffers.write(data, key == null ? ShuffleBuffers.NULL : ShuffleBuffers.TEXT, field, key, 0, n0, n1, rows, invalid);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        if (buffer.size() >= ShuffleBuffers.CHUNK_BYTES) {
                            out.add(buffer.toByteArray());
                            buffer.reset();
                        }
                    });
                    texts.set(f, null);
                }
                if (numbers.get(f) != null) {
                    for (Map.Entry<Double, long[]> e : numbers.get(f).entrySet()) {
                        long[] c = e.getValue();
                        ShuffleBuffers.write(data, ShuffleBuffers.NUMBER, field, null, e.getKey(), c[0], c[1], c[2], c[3]);
                        if (buffer.size() >= ShuffleBuffers.CHUNK_BYTES) {
                            out.add(buffer.toByteArray());
                            buffer.reset();
                        }
                    }
                    numbers.set(f, null);
                }
            }
            if (buffer.size() > 0) {
                out.add(buffer.toByteArray());
            }
            return out.iterator();
        }
    }

    /** The summed entries read back as rows, one buffer at a time (each released once read). */
    private static final class Decoded implements Iterator<Row> {
        private final List<byte[]> buffers;
        private int next;
        private byte[] b;
        private ByteBuffer in;

        Decoded(List<byte[]> buffers) {
            this.buffers = new ArrayList<>(buffers);
        }

        @Override
        public boolean hasNext() {
            while (in == null || !in.hasRemaining()) {
                if (next >= buffers.size()) {
                    return false;
                }
                b = buffers.set(next++, null);
                in = ByteBuffer.wrap(b);
            }
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            byte tag = in.get();
            int f = in.getInt();
            String text = null;
            Double number = null;
            if (tag == ShuffleBuffers.TEXT) {
                int len = in.getInt();
                text = new String(b, in.position(), len, StandardCharsets.UTF_8);
                in.position(in.position() + len);
            } else if (tag == ShuffleBuffers.NUMBER) {
                number = in.getDouble();
            }
            return RowFactory.create(f, text, number, in.getLong(), in.getLong(), in.getLong(), in.getLong());
        }
    }
}
