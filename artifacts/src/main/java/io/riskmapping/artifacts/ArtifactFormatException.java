package io.riskmapping.artifacts;

/**
 * An artifact file that cannot be read: not JSON or not a pickle, a wrong structure, a value of
 * the wrong type, a format version newer than this library reads, or (for pickles) an opcode that
 * would create objects or call functions. The message names the file and the offending part.
 */
public class ArtifactFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ArtifactFormatException(String message) {
        super(message);
    }

    public ArtifactFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
