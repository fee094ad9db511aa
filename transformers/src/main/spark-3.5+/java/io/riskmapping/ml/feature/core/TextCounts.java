package io.riskmapping.ml.feature.core;

import java.util.Iterator;
import java.util.NoSuchElementException;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * One field's counts of text keys: an open-addressing table of 64-byte slots (one cache line:
 * the key as {@link Utf8Keys} holds it, then n0, n1, rows, invalid), probed with the row's own
 * {@code UTF8String} (no copy, no String; a new key's bytes are copied into the slot or the
 * long-key array once). At most 3/4 of the slots are used; the table doubles beyond.
 */
public final class TextCounts {
    /** Longs per slot: head, key word 0, key word 1, n0, n1, rows, invalid, unused. */
    private static final int STRIDE = 8;
    private static final int INITIAL_CAPACITY = 256;
    private long[] slots = new long[INITIAL_CAPACITY * STRIDE];
    private int mask = INITIAL_CAPACITY - 1;
    private int size;
    private byte[] longKeys = new byte[0];
    private int longKeysUsed;
    private final long[] nulls = new long[4];
    private boolean anyNull;
    /** Whether the last {@link #slot} call inserted its key. */
    private boolean inserted;

    /** Counts {n0, n1, rows, invalid} of one key. */
    public static void add(long[] c, int y) {
        if (y == 0) {
            c[0]++;
        } else if (y == 1) {
            c[1]++;
        } else if (y == KeyColumns.INVALID) {
            c[3]++;
        }
        c[2]++;
    }

    public void addNull(int y) {
        anyNull = true;
        add(nulls, y);
    }

    /** Counts {@code n0, n1, rows, invalid} rows of null keys at once. */
    public void addNulls(long n0, long n1, long rows, long invalid) {
        anyNull = true;
        nulls[0] += n0;
        nulls[1] += n1;
        nulls[2] += rows;
        nulls[3] += invalid;
    }

    /** Counts one row of the key; true when the key is new to this table. */
    public boolean add(UTF8String key, int y) {
        count(slot(key), y);
        return settle();
    }

    /** Counts {@code n0, n1, rows, invalid} rows of the key at once; true when the key is new to this table. */
    public boolean add(UTF8String key, long n0, long n1, long rows, long invalid) {
        int j = slot(key);
        slots[j + 3] += n0;
        slots[j + 4] += n1;
        slots[j + 5] += rows;
        slots[j + 6] += invalid;
        return settle();
    }

    /** The key's slot (the index of its head), a new one when the key is new ({@link #inserted}). */
    private int slot(UTF8String key) {
        int len = key.numBytes();
        int h = Utf8Keys.hash(key);
        long head = Utf8Keys.head(h, len);
        boolean inline = len <= Utf8Keys.INLINE_BYTES;
        long w0 = inline ? Utf8Keys.word(key, 0) : 0;
        long w1 = inline ? Utf8Keys.word(key, 8) : 0;
        for (int i = h & mask;; i = (i + 1) & mask) {
            int j = i * STRIDE;
            if (slots[j] == 0) {
                slots[j] = head;
                if (inline) {
                    slots[j + 1] = w0;
                    slots[j + 2] = w1;
                } else {
                    slots[j + 1] = appendLongKey(key);
                }
                inserted = true;
                return j;
            }
            if (Utf8Keys.matches(slots, j, j + 1, head, key, w0, w1, longKeys)) {
                return j;
            }
        }
    }

    /**
     * Once the slot {@link #slot} returned holds its counts: true when it was a new key, and then
     * the table doubles if it is more than 3/4 full (which moves the slots).
     */
    private boolean settle() {
        if (!inserted) {
            return false;
        }
        inserted = false;
        if (++size > (mask + 1) / 4 * 3) {
            grow();
        }
        return true;
    }

    int size() {
        return size;
    }

    /** The bytes of the slots and of the long keys' array. */
    long bytes() {
        return 8L * slots.length + longKeys.length;
    }

    private void count(int j, int y) {
        if (y == 0) {
            slots[j + 3]++;
        } else if (y == 1) {
            slots[j + 4]++;
        } else if (y == KeyColumns.INVALID) {
            slots[j + 6]++;
        }
        slots[j + 5]++;
    }

    private long appendLongKey(UTF8String key) {
        int len = key.numBytes();
        if (longKeysUsed + len > longKeys.length) {
            longKeys = java.util.Arrays.copyOf(longKeys, Math.max(longKeysUsed + len, Math.max(1024, longKeys.length * 2)));
        }
        int at = longKeysUsed;
        key.writeToMemory(longKeys, org.apache.spark.unsafe.Platform.BYTE_ARRAY_OFFSET + at);
        longKeysUsed += len;
        return at;
    }

    private void grow() {
        long[] old = slots;
        int capacity = (mask + 1) * 2;
        slots = new long[Math.multiplyExact(capacity, STRIDE)];
        mask = capacity - 1;
        for (int j = 0; j < old.length; j += STRIDE) {
            if (old[j] != 0) {
                int i = (int) (old[j] >>> 32) & mask;
                while (slots[i * STRIDE] != 0) {
                    i = (i + 1) & mask;
                }
                System.arraycopy(old, j, slots, i * STRIDE, STRIDE);
            }
        }
    }

    /** What {@link #forEach} passes each key to. */
    interface KeyVisitor {
        /** A key's bytes (null for the null key) and counts. */
        void accept(byte[] key, long n0, long n1, long rows, long invalid);
    }

    /** Visits every key with its counts, then the null key when there was one. */
    void forEach(KeyVisitor visitor) {
        for (int j = 0; j < slots.length; j += STRIDE) {
            if (slots[j] != 0) {
                visitor.accept(Utf8Keys.bytes(slots, j + 1, (int) slots[j] - 1, longKeys), slots[j + 3], slots[j + 4], slots[j + 5],
                        slots[j + 6]);
            }
        }
        if (anyNull) {
            visitor.accept(null, nulls[0], nulls[1], nulls[2], nulls[3]);
        }
    }

    /** The partial rows of this table: one per key (the null key last, when there was one). */
    Iterator<Row> rows(int field) {
        return new Iterator<>() {
            private int j = next(0);
            private boolean nullDone = !anyNull;

            private int next(int from) {
                for (int at = from; at < slots.length; at += STRIDE) {
                    if (slots[at] != 0) {
                        return at;
                    }
                }
                return slots.length;
            }

            @Override
            public boolean hasNext() {
                return j < slots.length || !nullDone;
            }

            @Override
            public Row next() {
                if (j >= slots.length) {
                    if (nullDone) {
                        throw new NoSuchElementException();
                    }
                    nullDone = true;
                    return RowFactory.create(field, null, null, nulls[0], nulls[1], nulls[2], nulls[3]);
                }
                int len = (int) slots[j] - 1;
                String key = Utf8Keys.text(slots, j + 1, len, longKeys);
                Row r = RowFactory.create(field, key, null, slots[j + 3], slots[j + 4], slots[j + 5], slots[j + 6]);
                j = next(j + STRIDE);
                return r;
            }
        };
    }
}
