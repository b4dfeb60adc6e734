package dev.mqttls.doctor.internal;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** A client certificate chain (leaf first) and its private key. Prints without the key. */
public record ClientCredentials(List<X509Certificate> chain, PrivateKey key) {
  /** Copies. */
  public ClientCredentials {
    chain = List.copyOf(chain);
  }

  @Override
  public String toString() {
    return "ClientCredentials[" + Certs.subject(chain.get(0)) + "]";
  }
}
