package dev.mqttls.tls.bctls;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * User event fired by {@link BcTlsHandler} when its handshake ends, once, before any application
 * byte: either a success with what was negotiated, or a failure (the handler has sent its alert and
 * the connection is about to be closed by whoever logs the failure).
 *
 * @param failure the failure, empty on success
 * @param pskProblem on failure, what was wrong with the client's PSK, when that is the cause
 * @param protocol the negotiated version, e.g. {@code TLSv1.2}; on failure what was reached
 * @param cipherSuite the negotiated suite's IANA name; empty on failure
 * @param pskIdentity the PSK identity the client authenticated with (on failure: it offered)
 * @param peerChain the client's certificate chain, leaf first, empty when none
 * @param alertReceived the alert description the client aborted with, or -1
 */
public record BcTlsHandshake(
    Optional<Throwable> failure,
    Optional<PskProblem> pskProblem,
    String protocol,
    Optional<String> cipherSuite,
    Optional<String> pskIdentity,
    List<X509Certificate> peerChain,
    int alertReceived) {

  /** Checks that no component is null. */
  public BcTlsHandshake {
    Objects.requireNonNull(failure);
    Objects.requireNonNull(pskProblem);
    Objects.requireNonNull(protocol);
    Objects.requireNonNull(cipherSuite);
    Objects.requireNonNull(pskIdentity);
    peerChain = List.copyOf(peerChain);
  }

  /** Whether the handshake succeeded. */
  public boolean success() {
    return failure.isEmpty();
  }
}
