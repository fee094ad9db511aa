package io.riskmapping.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.SparkThrowable;
import org.apache.spark.paths.SparkPath;

import io.riskmapping.ml.feature.exec.csv.CsvFiles;
import io.riskmapping.ml.feature.compat.SparkShims;

/**
 * The errors of a shard whose bytes its format refuses: one line naming the split, the shard and
 * what is wrong, exit code 2 ({@link JobException#INVALID}). The split is the shard's folder, as
 * {@link Split#discover} lists {@code INPUT/<split>/}.
 * <ul>
 * <li>{@link #notGzip}: a {@code .gz} shard that does not start as gzip data does;</li>
 * <li>{@link #unreadable}: a gzip stream that ends early or that its inflater or CRC check refuses,
 * or a Parquet footer or page that cannot be decoded;</li>
 * <li>{@link #fromFailedPass}: the same, when a Spark task of the fit or of a transform pass found
 * it (Spark's error for a file its scan could not read, {@link SparkShims#unreadFile}, or
 * {@link CsvFiles.FileReadException} on the CSV record paths, names the file; where Spark names no
 * file, {@link #fromFailedSplitPass} finds it).</li>
 * </ul>
 */
final class ShardErrors {

    /** The first bytes of gzip data: ID1, ID2, and CM 8 (deflate); RFC 1952. */
    static final byte[] GZIP_START = {0x1f, (byte) 0x8b, 8};

    /**
     * Where an exception comes from when a decoder refused the bytes (rather than the file system
     * failing to deliver them): the gzip codecs, the JDK's zip classes, Parquet and its codecs.
     */
    private static final List<String> DECODERS = List.of("org.apache.hadoop.io.compress.", "java.util.zip.", "org.apache.parquet.",
            "shaded.parquet.", "org.xerial.snappy.", "com.github.luben.zstd.");

    private ShardErrors() {
    }

    /** {@code split val: shard part-00001.csv.gz}. */
    static String shard(Path file) {
        return "split " + file.getParent().getName() + ": shard " + file.getName();
    }

    /** A {@code .gz} shard whose first bytes (up to three) are not {@link #GZIP_START}. */
    static JobException notGzip(Path file, byte[] start) {
        String found = start.length == 0 ? "it is empty" : "its first bytes are " + HexFormat.ofDelimiter(" ").formatHex(start)
                + ", not 1f 8b 08";
        return JobException.invalid(shard(file) + " is not gzip data (" + found + "): compress it with gzip, or drop .gz from its name");
    }

    /**
     * A shard that could not be decoded: {@code failure}'s first exception thrown by a decoder (else
     * {@code failure} itself) says what went wrong.
     */
    static JobException unreadable(Path file, Throwable failure) {
        Throwable decoding = decoding(failure);
        String why = String.valueOf((decoding != null ? decoding : failure).getMessage()).lines().findFirst().orElse("")
                .replace(file.toString(), file.getName()).strip();
        String name = file.getName();
        String what = name.endsWith(".gz") ? " is not a complete gzip stream (" : name.endsWith(".parquet")
                ? " is not a readable Parquet file (" : " cannot be decoded (";
        return new JobException(JobException.INVALID, shard(file) + what + why + "): the file is truncated or corrupt", failure);
    }

    /**
     * A failure to read a shard on the driver (an {@link IOException}, or the CSV parser's exception
     * wrapping one): {@link #unreadable} when a decoder refused the bytes, else as it is.
     */
    static RuntimeException readFailure(Path file, Exception failure) {
        if (decoding(failure) != null) {
            return unreadable(file, failure);
        }
        return failure instanceof IOException io ? new UncheckedIOException("cannot read " + file + ": " + io.getMessage(), io)
                : failure instanceof RuntimeException r ? r : new IllegalStateException(failure);
    }

    /**
     * The error of a failed pass when a task failed because a decoder refused a shard's bytes
     * ({@link #unreadable}, with {@code failure} as its cause), else null: the failure is reported as
     * it is.
     */
    static JobException fromFailedPass(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof JobException) {
                return null;
            }
            Path file = t instanceof CsvFiles.FileReadException f ? f.file()
                    : t instanceof SparkThrowable s ? SparkShims.get().unreadFile(s).map(p -> SparkPath.fromUrlString(p).toPath()).orElse(null)
                            : null;
            if (file != null) {
                return t.getCause() != null && decoding(t.getCause()) != null ? unreadable(file, failure) : null;
            }
        }
        return null;
    }

    /**
     * The error of a pass over {@code split} that failed because a decoder refused a shard's bytes
     * and Spark did not name the shard (Spark 3.5's file scan, {@link SparkShims#namesUnreadFiles}):
     * the split's compressed shards are read to their end on the driver, in shard order, and the
     * first that its codec refuses is named ({@link #unreadable}). Null otherwise: where Spark names
     * the file, {@link #fromFailedPass} does.
     */
    static JobException fromFailedSplitPass(Throwable failure, Split split, Configuration conf) {
        if (SparkShims.get().namesUnreadFiles() || fromFailedPass(failure) != null || decoding(failure) == null) {
            return null;
        }
        for (Split.Shard s : split.shards()) {
            if (refusedByCodec(s.path(), conf)) {
                return unreadable(s.path(), failure);
            }
        }
        return null;
    }

    /** Whether a compressed shard's codec refuses its bytes when it is read to its end. */
    private static boolean refusedByCodec(Path file, Configuration conf) {
        if (new CompressionCodecFactory(conf).getCodec(file) == null) {
            return false;
        }
        try (InputStream in = ShardReader.open(file, conf)) {
            in.transferTo(OutputStream.nullOutputStream());
            return false;
        } catch (IOException | RuntimeException e) {
            return decoding(e) != null;
        }
    }

    /**
     * The first exception of {@code t}'s cause chain that a decoder threw, when the last one (the
     * root cause) was thrown by a decoder too; else null (the file system, not the data, failed).
     */
    private static Throwable decoding(Throwable t) {
        Throwable first = null;
        Throwable root = null;
        for (; t != null; t = t.getCause()) {
            if (first == null && byDecoder(t)) {
                first = t;
            }
            root = t;
        }
        return root != null && byDecoder(root) ? first : null;
    }

    private static boolean byDecoder(Throwable t) {
        StackTraceElement[] at = t.getStackTrace();
        return t.getClass().getName().equals("org.apache.parquet.io.ParquetDecodingException")
                || at.length > 0 && DECODERS.stream().anyMatch(at[0].getClassName()::startsWith);
    }
}
