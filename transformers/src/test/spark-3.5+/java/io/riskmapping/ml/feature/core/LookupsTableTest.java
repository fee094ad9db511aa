package io.riskmapping.ml.feature.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;

import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The broadcast table as executors see it: read back through Java serialization and through Spark's
 * Kryo serializer, it gives what the driver's table gives.
 */
class LookupsTableTest {

    private static Lookups.Table javaRoundTrip(Lookups.Table t) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(t);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (Lookups.Table) in.readObject();
        }
    }

    /** Spark broadcasts with spark.serializer: Kryo in conf/spark-defaults.conf, Java by default. */
    private static Lookups.Table kryoRoundTrip(Lookups.Table t) {
        SerializerInstance kryo = new KryoSerializer(new SparkConf()).newInstance();
        ClassTag<Lookups.Table> tag = ClassTag$.MODULE$.apply(Lookups.Table.class);
        return kryo.deserialize(kryo.serialize(t, tag), tag);
    }

    /** The table as the driver holds it and as executors read it back through either serializer. */
    private static List<Lookups.Table> asSeenByExecutors(Lookups.Table t) throws Exception {
        return List.of(t, javaRoundTrip(t), kryoRoundTrip(t));
    }

    /** {@code n} keys prefix0 .. prefix(n-1) with values i / n, the empty key, and a non-ASCII key. */
    private static Map<Object, Double> textBins(String prefix, int n) {
        Map<Object, Double> bins = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            bins.put(prefix + i, (double) i / n);
        }
        bins.put("", 0.5);
        bins.put("Zürich 東京 \uD83D\uDE00", 0.25);
        return bins;
    }

    /** The CSV path's output texts: each slot's value as Double.toString writes it, made where probed, not serialized. */
    @Test
    void slotTextsAreDoubleToStringAndMadeWhereProbed() throws Exception {
        Map<Object, Double> bins = textBins("c", 300);
        bins.put("tiny", 1e-5);
        bins.put("tenth", 0.1);
        bins.put("third", 1.0 / 3);
        Lookups.Table driver = new Lookups.Table(bins);
        assertEquals("0.1", driver.textAt(driver.slotOf(org.apache.spark.unsafe.types.UTF8String.fromString("tenth"))));
        for (Lookups.Table t : asSeenByExecutors(driver)) {
            for (Map.Entry<Object, Double> e : bins.entrySet()) {
                int slot = t.slotOf(org.apache.spark.unsafe.types.UTF8String.fromString((String) e.getKey()));
                assertTrue(slot >= 0 && slot < t.capacity(), (String) e.getKey());
                assertEquals(e.getValue(), t.valueAt(slot), 0.0);
                assertEquals(Double.toString(e.getValue()), t.textAt(slot), (String) e.getKey());
                assertTrue(t.textAt(slot) == t.textAt(slot), "made once");
            }
            assertEquals(-1, t.slotOf(org.apache.spark.unsafe.types.UTF8String.fromString("unseen")));
        }
        assertEquals("1.0E-5", driver.textAt(driver.slotOf(org.apache.spark.unsafe.types.UTF8String.fromString("tiny"))));
    }

    @Test
    void textNumericAndOtherKeysSurviveSerialization() throws Exception {
        Map<Object, Double> bins = textBins("c", 1000);
        bins.put(-0.5, 0.125);
        bins.put(1e300, 0.0625);
        bins.put(7L, 0.75);
        for (Lookups.Table back : asSeenByExecutors(new Lookups.Table(bins))) {
            assertFalse(back.isText());
            for (Map.Entry<Object, Double> e : bins.entrySet()) {
                assertEquals(e.getValue(), back.get(e.getKey()), "key " + e.getKey());
            }
            assertNull(back.get("c1000"));
            assertNull(back.get(0.5));
            assertNull(back.get("Zurich"));
        }
    }

    @Test
    void textTablesAreProbedByUtf8BytesBeforeAndAfterSerialization() throws Exception {
        Map<Object, Double> bins = textBins("c11_", 5000);
        Lookups.Table table = new Lookups.Table(bins);
        assertTrue(table.isText());
        for (Lookups.Table t : asSeenByExecutors(table)) {
            assertTrue(t.isText());
            for (Map.Entry<Object, Double> e : bins.entrySet()) {
                byte[] utf8 = ((String) e.getKey()).getBytes(StandardCharsets.UTF_8);
                assertEquals(e.getValue(), t.getText(utf8), "key " + e.getKey());
                assertEquals(e.getValue(), t.get(e.getKey()), "key " + e.getKey());
            }
            assertNull(t.getText("c11_5000".getBytes(StandardCharsets.UTF_8)));
            assertNull(t.getText("Zurich 東京 \uD83D\uDE00".getBytes(StandardCharsets.UTF_8)));
            assertNull(t.get(1.0));
        }
        assertFalse(new Lookups.Table(Map.of(1.0, 0.5, 2.0, 0.25)).isText());
        assertNull(new Lookups.Table(Map.of(1.0, 0.5)).getText("1.0".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void keysOfEveryLengthAroundTheInlineLimitAreToldApart() throws Exception {
        // Lengths 0..40 bytes: the slot holds keys of at most 16 bytes, longer ones live apart. Keys
        // that differ only in their last byte, and a key against the same key plus a zero byte (the
        // slot pads short keys with zeros), must not match each other.
        Map<Object, Double> bins = new LinkedHashMap<>();
        for (int len = 0; len <= 40; len++) {
            bins.put("a".repeat(len), (double) len);
            if (len > 0) {
                bins.put("a".repeat(len - 1) + "b", 100.0 + len);
            }
        }
        for (Lookups.Table t : asSeenByExecutors(new Lookups.Table(bins))) {
            for (Map.Entry<Object, Double> e : bins.entrySet()) {
                byte[] utf8 = ((String) e.getKey()).getBytes(StandardCharsets.UTF_8);
                assertEquals(e.getValue(), t.getText(utf8), "key of " + utf8.length + " bytes");
            }
            for (int len = 1; len <= 40; len++) {
                assertNull(t.getText(("a".repeat(len - 1) + "c").getBytes(StandardCharsets.UTF_8)), "unseen key of " + len + " bytes");
                assertNull(t.getText(("a".repeat(len - 1) + "\0").getBytes(StandardCharsets.UTF_8)), "zero-ended key of " + len + " bytes");
            }
            assertNull(t.getText("a".repeat(41).getBytes(StandardCharsets.UTF_8)));
            assertEquals(-1.0, t.getText(org.apache.spark.unsafe.types.UTF8String.fromString("zz"), -1.0));
        }
    }
}
