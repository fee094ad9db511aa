package io.riskmapping.artifacts;

import java.io.Serializable;
import java.util.Objects;

/**
 * Fills a missing value of one column with its impute value: the real-time side of one entry of
 * {@link ImputeDict}. Immutable and thread-safe.
 *
 * <p>A value is <em>missing</em> exactly when the batch imputer ({@code MissingValueImputerModel})
 * fills it:
 * <ul>
 *   <li>{@code null};</li>
 *   <li>a {@link Double} or {@link Float} that is NaN or infinite (the batch job treats
 *       non-finite numbers as missing, see {@link NumericKeys#normalize(double)});</li>
 *   <li>a {@link CharSequence} that is empty or holds only spaces (U+0020): the batch test is
 *       Spark's {@code trim(c) = ''}, and Spark's {@code trim} removes spaces only, so a tab, a
 *       line break or a no-break space is <em>not</em> missing.</li>
 * </ul>
 * Anything else is present and kept as it is: {@link #impute} does not parse or convert it.
 */
public final class ImputeScorer implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final double value;
    /** The impute value boxed once, so that {@link #impute} does not allocate. */
    private final Double boxed;

    /**
     * @param field the column name
     * @param value its impute value
     * @throws NullPointerException     if {@code field} is null
     * @throws IllegalArgumentException naming the column if {@code value} is NaN or infinite
     */
    public ImputeScorer(String field, double value) {
        this.field = Objects.requireNonNull(field, "field");
        this.value = ImputeDict.checkFinite(field, value);
        this.boxed = value;
    }

    public String field() {
        return field;
    }

    /** The impute value. */
    public double value() {
        return value;
    }

    /**
     * True when {@code v} is missing (see class comment): null, a NaN or infinite Double/Float, or
     * text that is empty or only spaces (U+0020).
     */
    public static boolean isMissing(Object v) {
        if (v == null) {
            return true;
        }
        if (v instanceof Double d) {
            return !Double.isFinite(d);
        }
        if (v instanceof Float f) {
            return !Float.isFinite(f);
        }
        if (v instanceof CharSequence cs) {
            for (int i = 0, n = cs.length(); i < n; i++) {
                if (cs.charAt(i) != ' ') {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * {@code v} itself when it is present; the impute value (a {@link Double}) when it is missing
     * (see class comment). Present values are returned unchanged, whatever their type: text such as
     * {@code "abc"} or {@code "\t"} stays text.
     *
     * <p>The batch imputer writes the value into a text (CSV) column as text
     * ({@link NumericKeys#format(double)}: {@code "35"}, {@code "35.5"}); this method gives the
     * number. Both are the same numeric key; {@link ArtifactScorers#score} uses the text form where
     * it matters (a categorical-mode risk table after imputation).
     */
    public Object impute(Object v) {
        return isMissing(v) ? boxed : v;
    }

    /**
     * The numeric value of {@code v} with a missing value replaced: the impute value when {@code v}
     * is missing (see class comment); {@link Number#doubleValue()} for other numbers (a non-finite
     * result from another {@link Number} type counts as missing too); for text,
     * {@link NumericKeys#parse(String)} (a decimal number without surrounding blanks; {@code "-0"}
     * gives {@code 0.0}).
     *
     * @throws IllegalArgumentException naming the field and the value when {@code v} is text that is
     *         not a finite decimal number (e.g. {@code "abc"}, {@code " 1"}, {@code "1e999"}), or is
     *         neither a number nor text (e.g. a Boolean)
     */
    public double imputeDouble(Object v) {
        if (isMissing(v)) {
            return value;
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? d : value;
        }
        if (v instanceof CharSequence cs) {
            Double d = NumericKeys.parse(cs.toString());
            if (d == null) {
                throw new IllegalArgumentException("field '" + field + "': '" + cs + "' is not a finite decimal number");
            }
            return d;
        }
        throw new IllegalArgumentException("field '" + field + "': " + v.getClass().getSimpleName() + " value " + v
                + " is not a number");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImputeScorer s && field.equals(s.field) && Double.compare(value, s.value) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(field, value);
    }

    @Override
    public String toString() {
        return "ImputeScorer(" + field + ", " + value + ")";
    }
}
