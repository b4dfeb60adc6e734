package dev.mqttls.broker.internal.connection;

import dev.mqttls.codec.ReasonCode;
import dev.mqttls.tls.TlsHandshakeFailed;
import dev.mqttls.tls.TlsSessionEstablished;

/**
 * What the TLS handshake of one connection proved: the client certificate identity, and what the
 * listener's settings make of it (user name, required client id). Confined to the connection's
 * event loop.
 */
public final class ConnectionTls {
  private final boolean identityAsUsername;
  private final boolean subjectAsUsername;
  private final boolean identityAsClientId;
  private String identity;
  private String subjectDn;
  private String display;
  private boolean handshakeDone;

  public ConnectionTls(
      boolean identityAsUsername, boolean subjectAsUsername, boolean identityAsClientId) {
    this.identityAsUsername = identityAsUsername;
    this.subjectAsUsername = subjectAsUsername;
    this.identityAsClientId = identityAsClientId;
  }

  /** Handles a TLS user event; returns whether it was one. */
  public boolean onUserEvent(Object evt) {
    if (evt instanceof TlsSessionEstablished e) {
      handshakeDone = true;
      e.identity().ifPresent(id -> established(id.value(), id.subjectDn(), id.toString()));
      // TLS-PSK: the identity stands where a certificate identity would (as in Mosquitto)
      e.pskIdentity().ifPresent(id -> established(id, id, "psk=" + id));
      return true;
    }
    return evt instanceof TlsHandshakeFailed;
  }

  public void established(String identityValue, String subject, String shown) {
    this.identity = identityValue;
    this.subjectDn = subject;
    this.display = shown;
  }

  /** Whether the TLS handshake completed (and the client certificate, if any, was accepted). */
  boolean handshakeDone() {
    return handshakeDone;
  }

  /** The identity as the log shows it, or null without a client certificate. */
  public String identity() {
    return display;
  }

  /**
   * Whether this listener takes the user name from the client certificate ({@code
   * use_identity_as_username} or {@code use_subject_as_username}).
   */
  public boolean identityIsUsername() {
    return identityAsUsername || subjectAsUsername;
  }

  /** The user name the certificate stands for, or null. */
  public String usernameFromIdentity() {
    if (identity == null) {
      return null;
    }
    if (identityAsUsername) {
      return identity;
    }
    if (subjectAsUsername) {
      return subjectDn;
    }
    return null;
  }

  /** Null when {@code clientId} is acceptable, else the CONNACK reason to refuse it with. */
  public ReasonCode checkClientId(String clientId) {
    if (!identityAsClientId) {
      return null;
    }
    if (identity == null || !identity.equals(clientId)) {
      return ReasonCode.CLIENT_IDENTIFIER_NOT_VALID;
    }
    return null;
  }
}
