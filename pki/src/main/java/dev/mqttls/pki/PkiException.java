package dev.mqttls.pki;

/**
 * A refused or failed certificate-authority operation. Each failure carries a {@link Reason} from a
 * documented set, so callers branch on the reason and never on the message text; the message is one
 * line, meant for the operator, and names what to do.
 */
public final class PkiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why an operation was refused. */
  public enum Reason {
    /** {@code init} found an existing CA in the directory and will not overwrite it. */
    CA_EXISTS,
    /** The directory holds no CA ({@code ca.crt} missing): run {@code pki init} first. */
    NO_CA,
    /** {@code ca.key} (or another key file) cannot be parsed: it is damaged or not a key. */
    CORRUPT_KEY,
    /** {@code ca.crt}, the index or another CA file cannot be parsed. */
    CORRUPT_FILE,
    /** The CA key is encrypted and no password was given. */
    PASSWORD_REQUIRED,
    /** The CA key could not be decrypted with the given password. */
    WRONG_PASSWORD,
    /** The CA key does not belong to the CA certificate. */
    KEY_MISMATCH,
    /** The root key is not in the directory (kept offline) and the operation needs it. */
    ROOT_KEY_OFFLINE,
    /** A certificate with this id already exists. */
    ALREADY_EXISTS,
    /** No issued certificate has this id or serial number. */
    UNKNOWN_ID,
    /** The certificate is already revoked. */
    ALREADY_REVOKED,
    /**
     * A CA rollover is in a state that forbids the operation: one is already under way, none is to
     * retire, or retiring would strand devices that still hold certificates of the old CA.
     */
    ROLLOVER_STATE,
    /** A CSR is malformed or its self-signature does not verify. */
    BAD_CSR,
    /** The export format needs a private key that the CA does not hold. */
    KEY_NOT_AVAILABLE,
    /** An argument is invalid (an id, a name, an address, a number, a missing option). */
    INVALID_ARGUMENT,
    /** A file given to the command cannot be read or is not what it should be. */
    BAD_INPUT_FILE,
    /** Reading or writing the CA directory failed. */
    IO
  }

  private final Reason reason;

  /** Creates an exception with the given reason and one-line message. */
  public PkiException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** Creates an exception with the given reason, one-line message and underlying cause. */
  public PkiException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** The documented reason of the failure. */
  public Reason reason() {
    return reason;
  }
}
