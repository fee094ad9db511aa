package io.riskmapping.job;

/** What a run does: fit and transform all splits, or transform one split with saved artifacts. */
public enum JobType {
    /** Fit on {@code train/}, transform {@code train/}, {@code val/} and {@code test/}. */
    TRAINING("training"),
    /** Load the artifacts and transform {@code validation/}. */
    VALIDATION("validation"),
    /** Load the artifacts and transform {@code testing/}. */
    TESTING("testing"),
    /** Load the artifacts and transform {@code calibration/}. */
    CALIBRATION("calibration");

    private final String label;

    JobType(String label) {
        this.label = label;
    }

    /** The name on the command line and of the split folder of non-training jobs. */
    public String label() {
        return label;
    }

    /** The split folders this job type reads (and writes under the same names). */
    public String[] splits() {
        return this == TRAINING ? new String[] {"train", "val", "test"} : new String[] {label};
    }

    /**
     * @throws IllegalArgumentException listing the valid names
     */
    public static JobType parse(String s) {
        for (JobType t : values()) {
            if (t.label.equalsIgnoreCase(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown job type '" + s + "' (expected training, validation, testing or calibration)");
    }

    @Override
    public String toString() {
        return label;
    }
}
