package io.riskmapping.artifacts;

import java.util.regex.Pattern;

/**
 * How a value becomes the key of a numeric-mode risk table. The batch job (Spark) and the
 * real-time scorers both use these rules, so that they look up exactly the same keys.
 *
 * <ul>
 *   <li>A text value is a number when it matches {@link #NUMBER_REGEX} in full: an optional sign,
 *       decimal digits with an optional fraction, an optional exponent; no surrounding blanks, no
 *       {@code NaN}, {@code Infinity}, hex or type suffixes. Its value is
 *       {@link Double#parseDouble(String)} of the text (the same conversion as Spark's
 *       {@code CAST(s AS DOUBLE)} for such text).</li>
 *   <li>Keys compare by numeric value: {@code "1"}, {@code "1.0"} and {@code 1} are one key;
 *       {@code -0.0} is {@code 0.0}; {@code NaN} is treated as missing (as pandas does), and so are
 *       infinities (text such as {@code 1e999} that overflows): numeric categories are finite.</li>
 * </ul>
 */
public final class NumericKeys {

    /** Full-match regex of a decimal number, usable as-is by Java and by Spark's {@code rlike}. */
    public static final String NUMBER_REGEX = "^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?\\z";

    private static final Pattern NUMBER = Pattern.compile(NUMBER_REGEX);

    /** Largest magnitude at which every integer is exactly representable as a double (2^53). */
    private static final double MAX_EXACT_INTEGER = 9007199254740992.0;

    private NumericKeys() {
    }

    /** True when {@code text} is a decimal number by the rule above. */
    public static boolean isNumber(String text) {
        return text != null && NUMBER.matcher(text).matches();
    }

    /**
     * The numeric key of a text value, or {@code null} when the text is null or not a number.
     */
    public static Double parse(String text) {
        return isNumber(text) ? normalize(Double.parseDouble(text)) : null;
    }

    /**
     * The numeric key of any value: numbers by their double value, text by {@link #parse}, anything
     * else (including null and NaN) gives {@code null}.
     */
    public static Double of(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Number n) {
            return normalize(n.doubleValue());
        }
        if (value instanceof CharSequence s) {
            return parse(s.toString());
        }
        return null;
    }

    /** {@code -0.0} becomes {@code 0.0}; {@code NaN} and infinities become {@code null}. */
    public static Double normalize(double v) {
        if (!Double.isFinite(v)) {
            return null;
        }
        return v == 0.0 ? 0.0 : v;
    }

    /** True when {@code v} is an integer that a double holds exactly (|v| &le; 2^53). */
    public static boolean isIntegral(double v) {
        return v == Math.rint(v) && Math.abs(v) <= MAX_EXACT_INTEGER;
    }

    /**
     * The text form of a numeric key in {@code risk_table_map.json}: integers without a fraction
     * ({@code "12"}), other values as {@link Double#toString(double)} (which reads back exactly).
     */
    public static String format(double v) {
        return isIntegral(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
