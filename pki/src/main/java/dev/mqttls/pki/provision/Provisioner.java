package dev.mqttls.pki.provision;

import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.CertificateKind;
import dev.mqttls.pki.DeviceOptions;
import dev.mqttls.pki.IssuedCertificate;
import dev.mqttls.pki.KeyType;
import dev.mqttls.pki.PkiException;
import dev.mqttls.pki.RenewOptions;
import dev.mqttls.pki.internal.Csrs;
import dev.mqttls.pki.internal.Keys;
import dev.mqttls.pki.internal.Names;
import dev.mqttls.pki.provision.ProvisioningOutcome.Issued;
import dev.mqttls.pki.provision.ProvisioningOutcome.Refused;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides provisioning and renewal requests by a {@link ProvisioningPolicy} and issues through a
 * {@link CertificateAuthority}, so every certificate is in its {@code index.txt}. Requests are
 * decided one at a time (a one-time token cannot be used twice by two requests at once); the CA's
 * directory lock keeps other writers of the CA ({@code mqttls pki}) consistent with it.
 *
 * <p>Refusal messages go to the device: they name the rule, never a file, path or other device.
 */
public final class Provisioner {
  private final CertificateAuthority ca;
  private final ProvisioningPolicy policy;
  private final Optional<OneTimeTokens> tokens;
  private Set<String> allowed = Set.of();
  private long allowListStamp = Long.MIN_VALUE;

  /** A provisioner issuing from {@code ca} under {@code policy}. */
  public Provisioner(CertificateAuthority ca, ProvisioningPolicy policy) {
    this.ca = ca;
    this.policy = policy;
    this.tokens = policy.tokenFile().map(OneTimeTokens::new);
  }

  /** The policy in force. */
  public ProvisioningPolicy policy() {
    return policy;
  }

  /**
   * A first certificate for a device: checks id, allow-list, token, CSR and key type, refuses an id
   * that holds a certificate already, signs, and then uses up the token.
   *
   * @throws PkiException only for failures of the CA itself (I/O, key), which the caller logs and
   *     answers with {@link RefusalReason#CA_ERROR}
   */
  public ProvisioningOutcome provision(ProvisionRequest request) {
    return provisionAll(List.of(request)).get(0);
  }

  /**
   * Decides several requests as {@link #provision} does and signs the accepted ones together, with
   * one write of the CA's index: what makes a fleet provision quickly. A second request for the
   * same id, or with the same token, in one batch is refused as though the first had been issued.
   *
   * @return one outcome per request, in order
   * @throws PkiException only for failures of the CA itself; then nothing in the batch was issued
   *     (or what was is in the index, and its devices are told to retry)
   */
  public synchronized List<ProvisioningOutcome> provisionAll(List<ProvisionRequest> requests) {
    List<ProvisioningOutcome> outcomes = new ArrayList<>(requests.size());
    Set<String> taken = new HashSet<>();
    for (IssuedCertificate e : ca.list()) {
      taken.add(e.id());
    }
    Set<String> tokensInBatch = new HashSet<>();
    Map<String, byte[]> accepted = new LinkedHashMap<>();
    for (ProvisionRequest request : requests) {
      Refused refused = check(request, taken, tokensInBatch);
      outcomes.add(refused);
      if (refused == null) {
        taken.add(request.id());
        request.token().ifPresent(t -> tokensInBatch.add(t.strip()));
        accepted.put(request.id(), request.csr());
      }
    }
    if (accepted.isEmpty()) {
      return outcomes;
    }
    Map<String, IssuedCertificate> issued = new HashMap<>();
    for (IssuedCertificate c : ca.signCsrs(accepted, options())) {
      issued.put(c.id(), c);
    }
    for (int i = 0; i < requests.size(); i++) {
      if (outcomes.get(i) == null) {
        ProvisionRequest r = requests.get(i);
        IssuedCertificate c = issued.get(r.id());
        r.token().ifPresent(t -> tokens.ifPresent(store -> store.use(t)));
        outcomes.set(i, new Issued(r.id(), chain(c), c));
      }
    }
    return outcomes;
  }

  private Refused check(ProvisionRequest request, Set<String> taken, Set<String> tokensInBatch) {
    String id = request.id();
    Refused refused = checkId(id);
    if (refused != null) {
      return refused;
    }
    if (policy.allowList().isPresent() && !allowList(policy.allowList().get()).contains(id)) {
      return new Refused(id, RefusalReason.ID_NOT_ALLOWED, "id is not on the allow-list");
    }
    if (tokens.isPresent()) {
      if (request.token().isEmpty() || request.token().get().isBlank()) {
        return new Refused(
            id, RefusalReason.TOKEN_REQUIRED, "this broker provisions with one-time tokens only");
      }
      String t = request.token().get();
      if (tokensInBatch.contains(t.strip()) || !tokens.get().usable(t)) {
        return new Refused(id, RefusalReason.TOKEN_INVALID, "token unknown or already used");
      }
    }
    refused = checkCsr(id, request.csr());
    if (refused != null) {
      return refused;
    }
    if (taken.contains(id)) {
      return new Refused(
          id,
          RefusalReason.ID_TAKEN,
          "id already holds a certificate: renew it over $mqttls/renew, or use another id");
    }
    return null;
  }

  /**
   * A new certificate for an id that holds a current one (not revoked, not expired), for the key in
   * {@code csr}. The caller has made sure the request comes from that id (the broker lets only the
   * user {@code id} publish to its renewal topic).
   *
   * @throws PkiException only for failures of the CA itself
   */
  public synchronized ProvisioningOutcome renew(String id, byte[] csr) {
    Refused refused = checkName(id);
    if (refused != null) {
      return refused;
    }
    Optional<IssuedCertificate> current = ca.find(id);
    if (current.isEmpty()
        || current.get().kind() != CertificateKind.DEVICE
        || current.get().revoked()
        || !current.get().notAfter().isAfter(Instant.now())) {
      return new Refused(
          id,
          RefusalReason.NOT_RENEWABLE,
          "no current device certificate for this id (never issued here, revoked or expired)");
    }
    refused = checkCsr(id, csr);
    if (refused != null) {
      return refused;
    }
    IssuedCertificate issued =
        ca.renewCsr(id, csr, RenewOptions.defaults().withDays(policy.days())).issued();
    return new Issued(id, chain(issued), issued);
  }

  private DeviceOptions options() {
    return new DeviceOptions(policy.days(), Optional.empty());
  }

  private Refused checkName(String id) {
    try {
      Names.checkId(id);
      return null;
    } catch (PkiException e) {
      return new Refused(
          id,
          RefusalReason.ID_INVALID,
          "invalid id: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or"
              + " digit");
    }
  }

  private Refused checkId(String id) {
    Refused r = checkName(id);
    if (r != null) {
      return r;
    }
    if (policy.idPattern().isPresent() && !policy.idPattern().get().matcher(id).matches()) {
      return new Refused(
          id, RefusalReason.ID_PATTERN, "id does not match this broker's device id pattern");
    }
    return null;
  }

  private Refused checkCsr(String id, byte[] csr) {
    PublicKey key;
    try {
      key = Csrs.verifiedKey(csr, "the CSR");
    } catch (PkiException e) {
      return new Refused(id, RefusalReason.BAD_CSR, e.getMessage());
    }
    KeyType type;
    try {
      type = Keys.typeOf(key);
    } catch (PkiException e) {
      return new Refused(id, RefusalReason.KEY_TYPE, e.getMessage());
    }
    if (!policy.keyTypes().contains(type)) {
      return new Refused(
          id,
          RefusalReason.KEY_TYPE,
          "key type "
              + ProvisioningPolicy.keyTypeName(type)
              + " is not accepted here; use "
              + String.join(
                  " or ",
                  policy.keyTypes().stream()
                      .map(ProvisioningPolicy::keyTypeName)
                      .sorted()
                      .toList()));
    }
    return null;
  }

  private Set<String> allowList(Path file) {
    try {
      long stamp = Files.getLastModifiedTime(file).toMillis() ^ Files.size(file);
      if (stamp != allowListStamp) {
        Set<String> ids = new HashSet<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          String s = line.strip();
          if (!s.isEmpty() && !s.startsWith("#")) {
            ids.add(s);
          }
        }
        allowed = Set.copyOf(ids);
        allowListStamp = stamp;
      }
    } catch (IOException e) {
      throw new PkiException(
          PkiException.Reason.IO, "cannot read the allow-list " + file + ": " + Keys.oneLine(e), e);
    }
    return allowed;
  }

  private static String chain(IssuedCertificate issued) {
    try {
      return Files.readString(issued.certificateFile(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new PkiException(
          PkiException.Reason.IO,
          "cannot read " + issued.certificateFile() + ": " + Keys.oneLine(e),
          e);
    }
  }
}
