package io.riskmapping.ml.feature.compat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Conversions between Java and Scala collections written against the methods that Scala 2.12 and
 * 2.13 share, so the same code compiles for every Spark line: Spark 3.5 is built for both Scala
 * versions, and neither converter serves both ({@code scala.jdk.javaapi.CollectionConverters} is
 * 2.13 only, {@code scala.collection.JavaConverters} is deprecated in 2.13).
 */
public final class ScalaCollections {

    private ScalaCollections() {
    }

    /** The elements of a Scala sequence (any Spark {@code Seq}, on 2.12 or 2.13), in order, as a new Java list. */
    public static <T> List<T> asJava(scala.collection.Seq<T> seq) {
        List<T> out = new ArrayList<>(seq.length());
        scala.collection.Iterator<T> it = seq.iterator();
        while (it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }

    /**
     * The elements of a Java list, in order, as a Scala immutable {@code List}: a {@code Seq} that
     * Spark's methods take on 2.12 ({@code scala.collection.Seq}) and on 2.13
     * ({@code scala.collection.immutable.Seq}) alike.
     */
    public static <T> scala.collection.immutable.List<T> asScala(List<T> list) {
        scala.collection.immutable.List<T> out = scala.collection.immutable.List$.MODULE$.empty();
        for (int i = list.size() - 1; i >= 0; i--) {
            out = out.$colon$colon(list.get(i));
        }
        return out;
    }

    /** The entries of a Java map as a Scala immutable {@code Map}. */
    @SuppressWarnings("unchecked") // updated(K, V1 >: V): a lower bound Java cannot state, so its result is a raw Map
    public static <K, V> scala.collection.immutable.Map<K, V> asScala(Map<K, V> map) {
        scala.collection.immutable.Map<K, V> out = scala.collection.immutable.Map$.MODULE$.empty();
        for (Map.Entry<K, V> e : map.entrySet()) {
            out = out.updated(e.getKey(), e.getValue());
        }
        return out;
    }
}
