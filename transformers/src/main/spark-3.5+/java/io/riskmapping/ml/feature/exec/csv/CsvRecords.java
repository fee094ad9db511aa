package io.riskmapping.ml.feature.exec.csv;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.csv.CSVOptions;
import org.apache.spark.sql.catalyst.util.FailFastMode$;

import com.univocity.parsers.common.TextParsingException;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;


/**
 * The records of one CSV file, as Spark's CSV reader would parse them, read line by line as bytes
 * where a line is <em>plain</em> and by Spark's parser (univocity, with Spark's settings) where it
 * is not.
 *
 * <p>A line is plain when it ends with {@code \n} (or the end of the file), holds exactly as many
 * fields as the schema has columns, and each field holds only printable ASCII ({@code 0x20..0x7E})
 * other than the quote and escape characters, and neither starts nor ends with a space. Such a line
 * is one record whatever the parser's settings: its values are its fields, split at the delimiter,
 * and a field that is empty or equals {@code nullValue} is null. A plain record's values are
 * byte ranges of {@link #bytes()} ({@link #from}, {@link #to}); no {@code String} is made. Written
 * by Spark's CSV writer, a plain value comes out as the same bytes (nothing to quote, escape or
 * trim); {@link CsvMapping} relies on it.
 *
 * <p>Other lines:
 * <ul>
 * <li>a line with no control character (other than a tab), no quote character and the right
 * number of fields, but with non-ASCII bytes, the escape character, a tab, or a field starting or
 * ending with a space, is still one record: it is decoded (UTF-8) and given to the parser alone
 * ({@link #values()});
 * <li>any other line (a quote character, which may open a value spanning lines; {@code \r}; another
 * control character; an empty line, which the parser skips; another number of fields, which the
 * parser refuses or pads; a byte-order mark at the start of the file) hands the rest of the file,
 * from that line on, to the parser, as Spark's reader parses a file: with the line separator the
 * parser would have detected on the file's first line ({@code \n}) when plain lines came before.
 * </ul>
 * The byte path applies only when {@link #applies} holds for the read options (UTF-8, a one-byte
 * delimiter, no {@code maxCharsPerColumn} limit, line separator {@code \n} or detected).
 *
 * <p>Parsed records are checked as {@link CsvFiles} describes: a record of another width is refused
 * ({@link IllegalArgumentException}, naming the record and the file) in {@code FAILFAST} mode when
 * all columns are read, else padded or cut. Why this class exists: the parser turns every value into
 * a {@code String} (UTF-16), and the writer encodes it back; on a plain line neither is needed
 * (docs/performance.md, "Measured design choices").
 */
final class CsvRecords implements java.io.Closeable {
    private static final byte ORDINARY = 0;
    private static final byte DELIMITER = 1;
    private static final byte NEWLINE = 2;
    /** A byte that makes the line a record of its own, but not plain (parsed alone). */
    private static final byte LINE = 3;
    /** A byte after which the parser reads the rest of the file. */
    private static final byte REST = 4;

    private static final int BUFFER_BYTES = 1 << 20;

    private final byte[] kinds = new byte[256];
    private final InputStream in;
    private final Path path;
    private final CSVOptions options;
    private final int width;
    private final int[] select;
    private final boolean pruned;
    private final boolean failFast;
    private final byte[] nullValue;
    private final boolean bytePath;

    private byte[] buf = new byte[BUFFER_BYTES];
    /** The start of the current line (plain records: {@link #bytes} holds it from here). */
    private int start;
    /** The start of the next line. */
    private int pos;
    private int limit;
    private boolean eof;
    /** For a plain record: the end (exclusive) of each field. */
    private final int[] ends;
    private boolean plain;
    private String[] values;
    /** Records read so far, the header included. */
    private long record;
    /** The parser of the rest of the file, once a line needed it. */
    private CsvParser rest;
    private CsvParser lineParser;
    private boolean closed;

    /**
     * The records of a file opened as {@code in}.
     *
     * @param path the file, for messages
     * @param width the number of columns of the schema
     * @param select the columns {@link #values()} returns, in this order (indexes into the schema), or null for all
     * @param bytePath whether plain lines are read as bytes (else every line goes to the parser)
     */
    CsvRecords(InputStream in, Path path, CSVOptions options, int width, int[] select, boolean bytePath) {
        this.in = in;
        this.path = path;
        this.options = options;
        this.width = width;
        this.select = select;
        this.pruned = select != null && options.columnPruning() && select.length < width;
        this.failFast = options.parseMode() == FailFastMode$.MODULE$;
        this.nullValue = options.nullValue().getBytes(StandardCharsets.UTF_8);
        this.bytePath = bytePath && applies(options, width);
        this.ends = new int[width];
        for (int b = 0; b < 256; b++) {
            kinds[b] = b >= 0x80 || b == 0x7F ? LINE : b < 0x20 && b != '\t' ? REST : ORDINARY;
        }
        kinds[options.escape() & 0xFF] = options.escape() < 0x20 ? REST : LINE;
        kinds[options.quote() & 0xFF] = REST;
        kinds['\n'] = NEWLINE;
        if (this.bytePath) {
            kinds[options.delimiter().charAt(0)] = DELIMITER;
        }
        try {
            if (!this.bytePath) {
                parseRest(true);
            } else if (options.headerFlag()) {
                switch (scan()) { // the header: read, not returned
                    case ORDINARY, LINE -> record++;
                    case NEWLINE -> close();
                    default -> parseRest(true);
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Whether plain lines can be read as bytes under these read options: UTF-8, a one-byte
     * delimiter that is neither the quote nor the escape character, line separator {@code \n} or
     * detected, no comment character, no limit on a value's length, and at least two columns
     * (with one, an empty line would be a record).
     */
    static boolean applies(CSVOptions options, int width) {
        String d = options.delimiter();
        return isUtf8(options.charset()) && width >= 2 && width <= options.maxColumns() && options.maxCharsPerColumn() < 0
                && d.length() == 1 && d.charAt(0) < 0x80 && d.charAt(0) != options.quote() && d.charAt(0) != options.escape()
                && d.charAt(0) != '\n' && d.charAt(0) != '\r' && !options.isCommentSet()
                && (options.lineSeparator().isEmpty() || options.lineSeparator().get().equals("\n"));
    }

    /** Whether a charset name (as the {@code encoding} option gives it) is UTF-8; false for an unknown one (the parser's own error). */
    static boolean isUtf8(String charset) {
        try {
            return java.nio.charset.Charset.forName(charset).equals(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Moves to the next record; false at the end of the file (which is then closed). */
    boolean next() {
        if (closed) {
            return false;
        }
        if (rest != null) {
            return nextParsed();
        }
        for (;;) {
            byte kind = scan();
            switch (kind) {
                case ORDINARY -> {
                    record++;
                    plain = true;
                    values = null;
                    return true;
                }
                case LINE -> {
                    record++;
                    plain = false;
                    String text = new String(buf, start, ends[width - 1] - start, StandardCharsets.UTF_8);
                    values = checked(lineParser().parseLine(text));
                    return true;
                }
                case NEWLINE -> {
                    close();
                    return false;
                }
                default -> {
                    parseRest(record == 0);
                    return nextParsed();
                }
            }
        }
    }

    /** Whether the current record is a plain line, its values byte ranges of {@link #bytes()}. */
    boolean plain() {
        return plain;
    }

    /** The buffer holding the current plain record. */
    byte[] bytes() {
        return buf;
    }

    /** The start of column {@code c}'s value (an index of the schema) in {@link #bytes()}; plain records only. */
    int from(int c) {
        return c == 0 ? start : ends[c - 1] + 1;
    }

    /** The end (exclusive) of column {@code c}'s value in {@link #bytes()}; plain records only. */
    int to(int c) {
        return ends[c];
    }

    /** Whether column {@code c}'s value is null (empty, or {@code nullValue}); plain records only. */
    boolean isNull(int c) {
        int from = from(c);
        int len = ends[c] - from;
        return len == 0 || len == nullValue.length && Arrays.equals(buf, from, ends[c], nullValue, 0, len);
    }

    /** The current record's values as the parser returns them (null for null), in {@code select}'s order; parsed records only. */
    String[] values() {
        return values;
    }

    /** Records read so far, the header included. */
    long record() {
        return record;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (rest != null) {
            rest.stopParsing();
        }
        try {
            in.close();
        } catch (IOException e) {
            // read to the end, or failed already: nothing is lost
        }
    }

    /**
     * Finds the current line: returns {@link #ORDINARY} for a plain line, {@link #LINE} for a line
     * to parse alone, {@link #REST} when the parser must read on from here, {@link #NEWLINE} at the
     * end of the file. Sets {@link #start}, {@link #ends} and {@link #pos}.
     */
    private byte scan() {
        for (;;) {
            final byte[] b = buf;
            final byte[] kd = kinds;
            final int[] e = ends;
            final int lim = limit;
            final int last = width - 1;
            int i = pos;
            int f = 0;
            byte kind = ORDINARY;
            boolean restNow = false;
            while (i < lim) {
                byte k = kd[b[i] & 0xFF];
                if (k != ORDINARY) {
                    if (k == DELIMITER) {
                        if (f == last) {
                            restNow = true; // more fields than columns
                            break;
                        }
                        e[f++] = i;
                    } else if (k == NEWLINE) {
                        break;
                    } else if (k == REST) {
                        restNow = true;
                        break;
                    } else {
                        kind = LINE;
                    }
                }
                i++;
            }
            if (restNow) {
                start = pos;
                return REST;
            }
            if (i == lim && !eof) {
                fill();
                continue;
            }
            start = pos;
            if (i == lim && i == pos) {
                return NEWLINE; // the end of the file
            }
            if (f != last || record == 0 && startsWithByteOrderMark()) {
                return REST; // too few fields (an empty line among them), or a byte-order mark
            }
            e[last] = i;
            pos = i < lim ? i + 1 : i;
            if (kind == ORDINARY) {
                for (int c = 0; c <= last; c++) {
                    int from = c == 0 ? start : e[c - 1] + 1;
                    int to = e[c];
                    if (to > from && (b[from] <= ' ' || b[to - 1] <= ' ')) {
                        return LINE; // a space or tab the writer would trim
                    }
                }
            }
            return kind;
        }
    }

    private boolean startsWithByteOrderMark() {
        int a = buf[start] & 0xFF;
        return a == 0xEF || a == 0xFE || a == 0xFF;
    }

    /** Keeps the current line's bytes at the start of the buffer (growing it for a long line) and reads more. */
    private void fill() {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            buf = Arrays.copyOf(buf, Math.multiplyExact(buf.length, 2));
        }
        try {
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                eof = true;
            } else {
                limit += n;
            }
        } catch (IOException e) {
            throw new CsvFiles.FileReadException(path, e);
        }
    }

    /**
     * Hands the file from the current line on to the parser: the whole file (header and line
     * separator detection as Spark's reader does) when {@code atStart}, else the rest, with
     * {@code \n} as the line separator (the plain lines before it ended so).
     */
    private void parseRest(boolean atStart) {
        CsvParserSettings settings = settings();
        InputStream from = in;
        if (!atStart) {
            settings.setLineSeparatorDetectionEnabled(false);
            settings.getFormat().setLineSeparator("\n");
        }
        if (limit > start) {
            from = new SequenceInputStream(new ByteArrayInputStream(buf, start, limit - start), in);
        }
        rest = new CsvParser(settings);
        try {
            rest.beginParsing(from, options.charset());
            if (atStart && options.headerFlag()) {
                rest.parseNext();
                record++;
            }
        } catch (TextParsingException e) {
            throw readFailure(e);
        }
    }

    /**
     * The parser's exception for a file it could not read (wrapping the stream's {@link IOException})
     * as {@link CsvFiles.FileReadException}; any other as it is.
     */
    private RuntimeException readFailure(TextParsingException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return new CsvFiles.FileReadException(path, io);
            }
        }
        return e;
    }

    private CsvParserSettings settings() {
        CsvParserSettings settings = options.asParserSettings();
        if (pruned) {
            Integer[] indexes = new Integer[select.length];
            for (int i = 0; i < select.length; i++) {
                indexes[i] = select[i];
            }
            settings.selectIndexes(indexes);
        }
        return settings;
    }

    private CsvParser lineParser() {
        if (lineParser == null) {
            CsvParserSettings settings = settings();
            settings.setLineSeparatorDetectionEnabled(false);
            settings.getFormat().setLineSeparator("\n");
            lineParser = new CsvParser(settings);
        }
        return lineParser;
    }

    private boolean nextParsed() {
        String[] tokens;
        try {
            tokens = rest.parseNext();
        } catch (TextParsingException e) {
            throw readFailure(e);
        }
        if (tokens == null) {
            close();
            return false;
        }
        record++;
        plain = false;
        if (!pruned && tokens.length != width && failFast) {
            String content = rest.getContext().currentParsedContent();
            throw new IllegalArgumentException("Malformed CSV record: " + (content == null ? String.join(",", tokens) : content.strip())
                    + " (record " + record + " of " + path + ": " + tokens.length + " values, the schema has " + width + ")");
        }
        values = checked(tokens);
        return true;
    }

    /** A parsed record's values: padded or cut to the schema's width, picked by {@code select}, {@code nullValue} made null. */
    private String[] checked(String[] tokens) {
        if (!pruned && tokens.length != width) {
            tokens = Arrays.copyOf(tokens, width);
        }
        String[] out = select == null || pruned ? tokens : pick(tokens, select);
        String nv = options.nullValue();
        for (int i = 0; i < out.length; i++) {
            if (out[i] != null && out[i].equals(nv)) {
                out[i] = null;
            }
        }
        return out;
    }

    private static String[] pick(String[] tokens, int[] select) {
        String[] out = new String[select.length];
        for (int i = 0; i < select.length; i++) {
            out[i] = tokens[select[i]];
        }
        return out;
    }
}
