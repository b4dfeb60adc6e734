package dev.mqttls.pki.provision;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A device's request for its first certificate.
 *
 * @param id the device id the certificate is to carry as its CN
 * @param csr the PKCS#10 CSR, PEM or DER
 * @param token the one-time token, when the device was given one; never printed
 */
public record ProvisionRequest(String id, byte[] csr, Optional<String> token) {
  /** Checks the fields are present and copies the CSR. */
  public ProvisionRequest {
    Objects.requireNonNull(id, "id");
    csr = Objects.requireNonNull(csr, "csr").clone();
    token = token == null ? Optional.empty() : token;
  }

  /** A copy of the CSR bytes. */
  @Override
  public byte[] csr() {
    return csr.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProvisionRequest r
        && r.id.equals(id)
        && Arrays.equals(r.csr, csr)
        && r.token.equals(token);
  }

  @Override
  public int hashCode() {
    return id.hashCode() * 31 + Arrays.hashCode(csr);
  }

  @Override
  public String toString() {
    return "ProvisionRequest[id="
        + id
        + ", csr="
        + csr.length
        + " bytes"
        + (token.isPresent() ? ", token given" : "")
        + "]";
  }
}
