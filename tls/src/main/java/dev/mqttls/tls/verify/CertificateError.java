package dev.mqttls.tls.verify;

/**
 * Why a certificate chain was refused: the one documented set that the broker's handshake causes,
 * the client's failure reasons and the doctor's findings are mapped from, each in one place. The
 * constant's name is the cause word all three show, so one bad certificate reads the same in a
 * broker log line, a client exception and a doctor report.
 */
public enum CertificateError {
  /** The peer sent no certificate where one is required. */
  NO_CERTIFICATE,
  /** A certificate of the chain, or the trusted CA it ends at, is past its notAfter date. */
  EXPIRED,
  /** A certificate of the chain, or the trusted CA it ends at, is before its notBefore date. */
  NOT_YET_VALID,
  /** The chain does not lead to any trusted CA. */
  UNKNOWN_ISSUER,
  /** The peer's certificate is self-signed and is not itself trusted. */
  SELF_SIGNED,
  /** A trusted CA has the issuer's name but not the key that signed the certificate. */
  ISSUER_KEY_MISMATCH,
  /** A signature in the chain does not verify with its issuer's key. */
  BAD_SIGNATURE,
  /** A certificate that issued another is not a CA (basicConstraints CA:FALSE or absent). */
  ISSUER_NOT_CA,
  /** A certificate that issued another has a key usage without keyCertSign. */
  ISSUER_CANNOT_SIGN,
  /**
   * The chain is longer than allowed: more intermediate CAs than a CA's pathLenConstraint allows,
   * or more certificates than the listener's {@code tls_max_chain_depth}.
   */
  PATH_TOO_LONG,
  /** A certificate carries a critical extension that no verifier here understands. */
  UNKNOWN_CRITICAL_EXTENSION,
  /** A name or policy constraint of a CA excludes the certificate. */
  CONSTRAINT_VIOLATED,
  /** The peer's certificate is not for this use: its (extended) key usage excludes it. */
  WRONG_PURPOSE,
  /** A signature or key algorithm of the chain is disabled or too weak. */
  WEAK_ALGORITHM,
  /** A certificate of the chain is listed in a certificate revocation list. */
  REVOKED,
  /** The revocation list for an issuer is past its nextUpdate and policy refuses stale lists. */
  CRL_EXPIRED,
  /** The certificate does not name the host that was connected to. */
  NAME_MISMATCH,
  /** The chain is invalid for a reason none of the above names (e.g. an unreadable extension). */
  INVALID
}
