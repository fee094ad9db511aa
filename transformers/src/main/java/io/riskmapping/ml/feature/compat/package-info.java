/**
 * Internal: not a public API; may change without notice.
 *
 * <p>Every call that differs between the supported Spark lines (3.5, 4.x):
 * {@link io.riskmapping.ml.feature.compat.SparkShims}, implemented once per line by {@code LineShims}
 * in {@code transformers/src/main/spark-3.5/java} or {@code src/main/spark-4/java} (the line's Maven
 * profile compiles one; the interface itself, whose signatures name {@code InternalRow}, is in
 * {@code src/main/spark-3.5+/java}), and {@link io.riskmapping.ml.feature.compat.ScalaCollections} (Java and Scala
 * collections through what Scala 2.12 and 2.13 share).
 *
 * <p>May import: Spark and Scala only; used by the stages, {@code core} and {@code exec}.
 */
package io.riskmapping.ml.feature.compat;
