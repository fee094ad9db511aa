package io.riskmapping.ml.feature.core;

/**
 * Counts of a mapped column's rows per bucket of its categories, made while a fast path maps the
 * rows (the job's drift figures of a split against train): the bucket of each distinct category is
 * decided once (per Parquet dictionary id, or per text), and each row adds one to its bucket.
 * Implementations travel to the executors (serializable) and pass the counts on, e.g. to an
 * accumulator.
 */
public interface DriftBuckets extends java.io.Serializable {
    /** The number of buckets; buckets are 0 .. size - 1. */
    int size();

    /** The bucket of a non-null category. */
    int of(String category);

    /** The bucket of a null. */
    int ofNull();

    /** Adds rows counted in one task: {@code counts[b]} rows in bucket b. */
    void add(long[] counts);
}
