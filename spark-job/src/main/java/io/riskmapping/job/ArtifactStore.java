package io.riskmapping.job;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;

import io.riskmapping.artifacts.Hyperparameters;
import io.riskmapping.artifacts.ImputeDict;
import io.riskmapping.artifacts.ImputeDictCodec;
import io.riskmapping.artifacts.MulticlassRiskTablesCodec;
import io.riskmapping.artifacts.NumericBins;
import io.riskmapping.artifacts.NumericBinsCodec;
import io.riskmapping.artifacts.RiskTableMap;
import io.riskmapping.artifacts.RiskTableMapCodec;
import io.riskmapping.artifacts.WoeTableMap;
import io.riskmapping.artifacts.WoeTableMapCodec;

/** Artifact and configuration files through Hadoop {@link FileSystem} (local, hdfs://, s3a://, ...). */
final class ArtifactStore {

    private final Configuration conf;

    ArtifactStore(Configuration conf) {
        this.conf = conf;
    }

    FileSystem fs(Path p) {
        return fileSystem(p, conf);
    }

    /**
     * The file system of a path; for a checksummed one (the local file system) its raw file system,
     * so that the job neither writes nor leaves {@code .crc} side files.
     */
    static FileSystem fileSystem(Path p, Configuration conf) {
        try {
            FileSystem fs = p.getFileSystem(conf);
            return fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
        } catch (IOException e) {
            throw new UncheckedIOException("no file system for " + p + ": " + e.getMessage(), e);
        }
    }

    /** True when {@code p} exists and is a file (not a folder). */
    boolean isFile(Path p) {
        try {
            return fs(p).getFileStatus(p).isFile();
        } catch (java.io.FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + p + ": " + e.getMessage(), e);
        }
    }

    boolean exists(Path p) {
        try {
            return fs(p).exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + p + ": " + e.getMessage(), e);
        }
    }

    boolean isDirectory(Path p) {
        try {
            return fs(p).getFileStatus(p).isDirectory();
        } catch (FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + p + ": " + e.getMessage(), e);
        }
    }

    /** @throws JobException (not found) when the file is missing */
    byte[] read(Path p) {
        try (InputStream in = fs(p).open(p)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (FileNotFoundException e) {
            throw JobException.notFound("file not found: " + p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /** What {@link #write(Path, Content)} writes: a file's content, written to a stream. */
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes a file as a stream (buffered), without its whole content in memory: the artifacts of
     * a table of a million categories are tens of MB, written while the passes use the heap.
     */
    void write(Path p, Content content) {
        try (OutputStream out = new java.io.BufferedOutputStream(fs(p).create(p, true), 1 << 16)) {
            content.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + p + ": " + e.getMessage(), e);
        }
    }

    void write(Path p, byte[] bytes) {
        try (OutputStream out = fs(p).create(p, true)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + p + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code --hyperparameters}: a file, or a folder holding {@code hyperparameters.json}.
     *
     * @throws JobException not found, or invalid (naming the file and key) when it does not parse
     */
    Hyperparameters loadHyperparameters(Path fileOrDir) {
        Path file = isDirectory(fileOrDir) ? new Path(fileOrDir, Hyperparameters.FILE) : fileOrDir;
        if (!exists(file)) {
            throw JobException.notFound("hyperparameters not found: " + file);
        }
        return Hyperparameters.parse(read(file), file.toString());
    }

    /**
     * The risk tables in an artifacts folder: {@code risk_table_map.json}, else {@code risk_table_map.pkl}.
     *
     * @throws JobException (not found) when neither exists
     */
    RiskTableMap loadRiskTables(Path dir) {
        Path json = new Path(dir, RiskTableMapCodec.JSON_FILE);
        if (exists(json)) {
            return RiskTableMapCodec.fromJson(read(json), json.toString());
        }
        Path pkl = new Path(dir, RiskTableMapCodec.PICKLE_FILE);
        if (exists(pkl)) {
            return RiskTableMapCodec.fromPickle(read(pkl), pkl.toString());
        }
        throw JobException.notFound("no " + RiskTableMapCodec.JSON_FILE + " or " + RiskTableMapCodec.PICKLE_FILE + " in " + dir);
    }

    /**
     * The risk tables of an artifacts folder as {@link #loadRiskTables} reads them, or, when the file
     * holds the tables of a multiclass label, a {@link MulticlassRiskTables}.
     *
     * @throws JobException (not found) when the folder has neither file
     */
    Object loadAnyRiskTables(Path dir) {
        Path json = new Path(dir, RiskTableMapCodec.JSON_FILE);
        if (exists(json)) {
            byte[] bytes = read(json);
            return MulticlassRiskTablesCodec.isMulticlassJson(bytes) ? MulticlassRiskTablesCodec.fromJson(bytes, json.toString())
                    : RiskTableMapCodec.fromJson(bytes, json.toString());
        }
        Path pkl = new Path(dir, RiskTableMapCodec.PICKLE_FILE);
        if (exists(pkl)) {
            byte[] bytes = read(pkl);
            return MulticlassRiskTablesCodec.isMulticlassPickle(bytes) ? MulticlassRiskTablesCodec.fromPickle(bytes, pkl.toString())
                    : RiskTableMapCodec.fromPickle(bytes, pkl.toString());
        }
        return loadRiskTables(dir);
    }

    /** File of the numeric fields' bin edges, written when numeric_binning is set. */
    static final String NUMERIC_BINS_FILE = NumericBinsCodec.JSON_FILE;

    /**
     * Writes {@code numeric_bins.json} ({@link NumericBinsCodec}: method, closed side, inner edges
     * and missing bin per field); a value {@code v} is in bin {@code i} when
     * {@code edges[i-1] <= v < edges[i]}; missing values in bin {@code edges.length + 1}.
     */
    void writeNumericBins(Path file, Map<String, double[]> innerEdges, String method) {
        write(file, NumericBinsCodec.toJson(new NumericBins(method, innerEdges)));
    }

    /** Writes {@code numeric_bins.pkl}: the content of {@code numeric_bins.json} for Python ({@link NumericBinsCodec#toPickle}). */
    void writeNumericBinsPickle(Path file, Map<String, double[]> innerEdges, String method) {
        write(file, NumericBinsCodec.toPickle(new NumericBins(method, innerEdges)));
    }

    /** The bin edges of {@code numeric_bins.json} in an artifacts folder (field &rarr; inner edges), or null when absent. */
    Map<String, double[]> loadNumericBins(Path dir) {
        Path file = new Path(dir, NUMERIC_BINS_FILE);
        return exists(file) ? NumericBinsCodec.fromJson(read(file), file.toString()).innerEdges() : null;
    }

    /** True when the folder holds {@code risk_table_map.json} or {@code .pkl}. */
    boolean hasRiskTables(Path dir) {
        return exists(new Path(dir, RiskTableMapCodec.JSON_FILE)) || exists(new Path(dir, RiskTableMapCodec.PICKLE_FILE));
    }

    /** The WOE tables of an artifacts folder ({@code woe_table_map.json}). */
    WoeTableMap loadWoeTables(Path dir) {
        Path json = new Path(dir, WoeTableMapCodec.JSON_FILE);
        return WoeTableMapCodec.fromJson(read(json), json.toString());
    }

    /**
     * The impute values in an artifacts folder: {@code impute_dict.json}, else {@code impute_dict.pkl},
     * else null (a step without imputation).
     */
    ImputeDict loadImputeDict(Path dir) {
        Path json = new Path(dir, ImputeDictCodec.JSON_FILE);
        if (exists(json)) {
            return ImputeDictCodec.fromJson(read(json), json.toString());
        }
        Path pkl = new Path(dir, ImputeDictCodec.PICKLE_FILE);
        return exists(pkl) ? ImputeDictCodec.fromPickle(read(pkl), pkl.toString()) : null;
    }

    /** Copies every file below {@code from} into {@code to} (same relative paths); returns the names copied. */
    List<String> copyFolder(Path from, Path to) {
        List<String> copied = new ArrayList<>();
        try {
            FileSystem src = fs(from);
            FileSystem dst = fs(to);
            dst.mkdirs(to);
            for (FileStatus st : src.listStatus(from)) {
                String n = st.getPath().getName();
                if (n.startsWith(".") || n.startsWith("_")) {
                    continue;
                }
                FileUtil.copy(src, st.getPath(), dst, new Path(to, n), false, true, conf);
                copied.add(n);
            }
        } catch (FileNotFoundException e) {
            throw JobException.notFound("artifacts folder not found: " + from);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to + ": " + e.getMessage(), e);
        }
        return copied;
    }
}
