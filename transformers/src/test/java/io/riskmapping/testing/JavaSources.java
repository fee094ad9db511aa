package io.riskmapping.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Java source text for the tests that read the project's own sources (layers, imports). */
public final class JavaSources {

    /** A string or character literal, a line comment or a block comment, whichever starts first. */
    private static final Pattern LITERAL_OR_COMMENT = Pattern
            .compile("\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])*'|//[^\\n]*|(?s:/\\*.*?\\*/)");

    private JavaSources() {
    }

    /**
     * {@code source} without its comments (each made one space) and with every string and character
     * literal emptied ({@code ""}, {@code ''}), read left to right as the compiler does: a
     * {@code //} inside a string is no comment, a quote inside a comment starts no string.
     */
    public static String code(String source) {
        Matcher m = LITERAL_OR_COMMENT.matcher(source);
        StringBuilder out = new StringBuilder(source.length());
        while (m.find()) {
            char c = m.group().charAt(0);
            m.appendReplacement(out, c == '"' ? "\"\"" : c == '\'' ? "''" : " ");
        }
        return m.appendTail(out).toString();
    }
}
