package io.riskmapping.ml.feature.core;

import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.array.ByteArrayMethods;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Text keys as the open-addressing tables of the fit ({@link PartialCounts}) and of the lookups
 * ({@link Lookups.Table}) hold them: a slot starts with a head (32-bit hash, length + 1; 0 marks an
 * empty slot) and keeps a key of at most {@link #INLINE_BYTES} UTF-8 bytes in two longs
 * (little-endian, zero-padded; the length in the head tells "a" from "a\0"), a longer key as an
 * offset into one byte array of long keys. A probe of a short key reads its slot and nothing else:
 * the large tables' cost is their cache misses, and this is one (the slot) instead of one per
 * object or array of a {@code HashMap} entry.
 */
final class Utf8Keys {

    /** Keys up to this many UTF-8 bytes are held in the slot itself. */
    static final int INLINE_BYTES = 16;

    private Utf8Keys() {
    }

    /** Whether the platform reads a long's bytes little-endian (the words are little-endian on every platform). */
    private static final boolean LITTLE_ENDIAN = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;

    /**
     * The 32-bit hash of {@code len} bytes at {@code base + off}: the key's little-endian words
     * ({@link #word}), 8 bytes at a time, each xored in and multiplied, then MurmurHash3's 64-bit
     * finalizer. Per key, the same on every platform (the slots of a broadcast table are probed
     * where the task runs).
     */
    static int hash(Object base, long off, int len) {
        long h = len * 0x9E3779B97F4A7C15L;
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            h = Long.rotateLeft((h ^ word(base, off, len, i)) * 0xC2B2AE3D27D4EB4FL, 31);
        }
        if (i < len) {
            h = Long.rotateLeft((h ^ word(base, off, len, i)) * 0xC2B2AE3D27D4EB4FL, 31);
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return (int) h;
    }

    static int hash(UTF8String key) {
        return hash(key.getBaseObject(), key.getBaseOffset(), key.numBytes());
    }

    /** A slot's head: the hash and the length + 1 (never 0, which marks an empty slot). */
    static long head(int hash, int length) {
        return ((long) hash << 32) | (length + 1L);
    }

    /**
     * Bytes {@code [from, from + 8)} of a key as a little-endian long, zero beyond its end: a whole
     * word read at once (Spark's unaligned {@link Platform#getLong}), a last partial word byte by byte.
     */
    static long word(Object base, long off, int len, int from) {
        if (from + 8 <= len) {
            long w = Platform.getLong(base, off + from);
            return LITTLE_ENDIAN ? w : Long.reverseBytes(w);
        }
        int end = Math.min(len, from + 8);
        long w = 0;
        for (int i = end - 1; i >= from; i--) {
            w = (w << 8) | (Platform.getByte(base, off + i) & 0xFF);
        }
        return w;
    }

    static long word(UTF8String key, int from) {
        return word(key.getBaseObject(), key.getBaseOffset(), key.numBytes(), from);
    }

    /**
     * Whether the slot at {@code slots[j]} (head, word 0, word 1 at {@code j + 1} and {@code j + 2}
     * of the given positions) holds the key: the head, then the inline words or the long key's bytes.
     */
    static boolean matches(long[] slots, int j, int w0At, long head, UTF8String key, long w0, long w1, byte[] longKeys) {
        if (slots[j] != head) {
            return false;
        }
        int len = key.numBytes();
        if (len <= INLINE_BYTES) {
            return slots[w0At] == w0 && slots[w0At + 1] == w1;
        }
        return ByteArrayMethods.arrayEquals(longKeys, Platform.BYTE_ARRAY_OFFSET + slots[w0At], key.getBaseObject(), key.getBaseOffset(), len);
    }

    /** The key held by a slot, as a String: the inline words or the long key's bytes. */
    static String text(long[] slots, int w0At, int len, byte[] longKeys) {
        return new String(bytes(slots, w0At, len, longKeys), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The key held by a slot, as its UTF-8 bytes. */
    static byte[] bytes(long[] slots, int w0At, int len, byte[] longKeys) {
        byte[] b = new byte[len];
        if (len <= INLINE_BYTES) {
            for (int i = 0; i < len; i++) {
                b[i] = (byte) (slots[w0At + (i >>> 3)] >>> ((i & 7) * 8));
            }
        } else {
            System.arraycopy(longKeys, (int) slots[w0At], b, 0, len);
        }
        return b;
    }
}
