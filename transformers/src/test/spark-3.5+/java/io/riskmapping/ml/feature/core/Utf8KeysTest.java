package io.riskmapping.ml.feature.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/** The key words and hash of the fit's and the lookups' tables: byte order, offsets, decoding. */
class Utf8KeysTest {

    /** A key's bytes as little-endian words, computed independently, byte by byte. */
    private static long reference(byte[] b, int from) {
        long w = 0;
        for (int i = Math.min(b.length, from + 8) - 1; i >= from; i--) {
            w = (w << 8) | (b[i] & 0xFF);
        }
        return w;
    }

    @Test
    void wordsAreLittleEndianAndTheHashDependsOnlyOnTheBytes() {
        String[] keys = {"", "a", "a\0", "abcdefg", "abcdefgh", "abcdefghi", "c11_311706", "Zürich €", "0123456789abcdef",
            "0123456789abcdefg", "København \uFFFD and more text beyond sixteen bytes"};
        Set<Integer> hashes = new HashSet<>();
        for (String k : keys) {
            byte[] b = k.getBytes(StandardCharsets.UTF_8);
            UTF8String own = UTF8String.fromBytes(b);
            // the same bytes in the middle of a larger array (as in a Parquet page or a parser's buffer)
            byte[] padded = new byte[b.length + 11];
            System.arraycopy(b, 0, padded, 5, b.length);
            UTF8String slice = UTF8String.fromBytes(padded, 5, b.length);
            for (int from : new int[] {0, 8}) {
                assertEquals(reference(b, from), Utf8Keys.word(own, from), k + " word at " + from);
                assertEquals(reference(b, from), Utf8Keys.word(slice, from), k + " word at " + from + " (slice)");
            }
            assertEquals(Utf8Keys.hash(own), Utf8Keys.hash(slice), k);
            hashes.add(Utf8Keys.hash(own));
            if (b.length <= Utf8Keys.INLINE_BYTES) {
                long[] slot = {0, Utf8Keys.word(own, 0), Utf8Keys.word(own, 8)};
                assertEquals(k, Utf8Keys.text(slot, 1, b.length, new byte[0]), "decoded from the words");
            }
        }
        assertEquals(keys.length, hashes.size(), "distinct keys, distinct hashes here ('a' and 'a\\0' too)");
    }

    /** Keys that differ only in their last digits (the benchmark's categories) spread over a table's low bits. */
    @Test
    void similarKeysSpreadOverTheLowBits() {
        int buckets = 1 << 17;
        int[] count = new int[buckets];
        int max = 0;
        for (int i = 0; i < 100_000; i++) {
            int b = Utf8Keys.hash(UTF8String.fromString("c11_" + i)) & (buckets - 1);
            max = Math.max(max, ++count[b]);
        }
        assertTrue(max <= 8, "at most 8 keys in one of 131072 buckets for 100,000 keys, was " + max);
    }
}
