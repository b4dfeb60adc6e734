package dev.mqttls.provision.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqttls.pki.provision.CsrSubject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * A request payload in one of its two forms (docs/provisioning.md):
 *
 * <ul>
 *   <li>a JSON object {@code {"id": "...", "csr": "...", "token": "..."}}, {@code csr} being PEM
 *       text or base64 DER, {@code id} optional when the CSR's CN is the id, {@code token} only
 *       where one-time tokens are in use;
 *   <li>the bare CSR, PEM or DER: its subject CN is the id.
 * </ul>
 *
 * @param id the device id, or empty when none could be found
 * @param csr the CSR bytes (PEM or DER), empty on a malformed request
 * @param token the one-time token, if any; never printed
 * @param problem why the payload is malformed, or empty
 */
public record RequestPayload(
    Optional<String> id, byte[] csr, Optional<String> token, Optional<String> problem) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Parses a payload. */
  public static RequestPayload parse(byte[] payload) {
    int i = 0;
    while (i < payload.length && Character.isWhitespace(payload[i])) {
      i++;
    }
    if (i < payload.length && payload[i] == '{') {
      return json(payload);
    }
    if (payload.length == 0) {
      return malformed(Optional.empty(), "empty payload: send a CSR or the JSON request");
    }
    return new RequestPayload(
        CsrSubject.commonName(payload), payload, Optional.empty(), Optional.empty());
  }

  private static RequestPayload json(byte[] payload) {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (JsonProcessingException e) {
      return malformed(Optional.empty(), "the JSON request does not parse");
    } catch (java.io.IOException e) {
      return malformed(Optional.empty(), "the JSON request cannot be read");
    }
    if (root == null || !root.isObject()) {
      return malformed(Optional.empty(), "the JSON request must be an object");
    }
    Optional<String> id = text(root, "id");
    Optional<String> csrText = text(root, "csr");
    Optional<String> token = text(root, "token");
    if (root.has("id") && id.isEmpty()) {
      return malformed(Optional.empty(), "\"id\" must be a string");
    }
    if (csrText.isEmpty()) {
      return malformed(id, "the JSON request has no \"csr\" string");
    }
    byte[] csr;
    String c = csrText.get();
    if (c.contains("-----BEGIN ")) {
      csr = c.getBytes(StandardCharsets.US_ASCII);
    } else {
      try {
        csr = Base64.getMimeDecoder().decode(c);
      } catch (IllegalArgumentException e) {
        return malformed(id, "\"csr\" is neither PEM nor base64");
      }
    }
    if (id.isEmpty()) {
      id = CsrSubject.commonName(csr);
    }
    return new RequestPayload(id, csr, token, Optional.empty());
  }

  private static Optional<String> text(JsonNode root, String field) {
    JsonNode n = root.get(field);
    return n != null && n.isTextual() ? Optional.of(n.textValue()) : Optional.empty();
  }

  private static RequestPayload malformed(Optional<String> id, String problem) {
    return new RequestPayload(id, new byte[0], Optional.empty(), Optional.of(problem));
  }

  /** Copies the CSR in. */
  public RequestPayload {
    csr = csr.clone();
  }

  /** A copy of the CSR bytes. */
  @Override
  public byte[] csr() {
    return csr.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RequestPayload r
        && r.id.equals(id)
        && java.util.Arrays.equals(r.csr, csr)
        && r.token.equals(token)
        && r.problem.equals(problem);
  }

  @Override
  public int hashCode() {
    return id.hashCode() * 31 + java.util.Arrays.hashCode(csr);
  }

  @Override
  public String toString() {
    return "RequestPayload[id="
        + id.orElse("?")
        + ", csr="
        + csr.length
        + " bytes"
        + (token.isPresent() ? ", token given" : "")
        + problem.map(p -> ", problem=" + p).orElse("")
        + "]";
  }
}
