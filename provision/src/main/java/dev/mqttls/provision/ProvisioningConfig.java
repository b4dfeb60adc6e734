package dev.mqttls.provision;

import dev.mqttls.conf.Catalogue;
import dev.mqttls.conf.ConfException;
import dev.mqttls.conf.ConfFile;
import dev.mqttls.conf.ConfReader;
import dev.mqttls.conf.Directive;
import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.KeyType;
import dev.mqttls.pki.PkiException;
import dev.mqttls.pki.provision.ProvisioningPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The provisioning service's part of a broker configuration: the {@code provision_*} directives
 * other than {@code provision_claim_identity} (which is the broker's). Read from the same file the
 * broker reads, through {@code conf}.
 *
 * @param caDirectory the CA that signs ({@code provision_ca_dir})
 * @param policy who may get which certificate
 * @param ratePerSecond most requests answered per second; 0 for no limit ({@code provision_rate})
 */
public record ProvisioningConfig(Path caDirectory, ProvisioningPolicy policy, int ratePerSecond) {
  /** Checks the fields. */
  public ProvisioningConfig {
    Objects.requireNonNull(caDirectory, "caDirectory");
    Objects.requireNonNull(policy, "policy");
    if (ratePerSecond < 0) {
      throw new IllegalArgumentException("ratePerSecond must be 0 or more");
    }
  }

  /**
   * Reads the provisioning directives of {@code file} (following {@code include_dir}).
   *
   * @return empty when the file has no {@code provision_ca_dir}: no service to start
   * @throws ConfException naming {@code FILE:LINE: directive:} and what is wrong
   */
  public static Optional<ProvisioningConfig> read(Path file) throws ConfException {
    return of(ConfReader.read(file));
  }

  /** Parses configuration text as though read from {@code pretendFile}; see {@link #read}. */
  public static Optional<ProvisioningConfig> parse(String text, Path pretendFile)
      throws ConfException {
    return of(ConfReader.parse(text, pretendFile));
  }

  private static Optional<ProvisioningConfig> of(ConfFile file) throws ConfException {
    Path ca = null;
    Directive caLine = null;
    ProvisioningPolicy policy = ProvisioningPolicy.defaults();
    int rate = 0;
    Directive policyLine = null;
    for (Directive d : file.directives()) {
      if (!d.name().startsWith("provision_")) {
        continue;
      }
      Catalogue.spec(d).check(d);
      if (policyLine == null
          && !d.name().equals("provision_ca_dir")
          && !d.name().equals("provision_claim_identity")) {
        policyLine = d;
      }
      switch (d.name()) {
        case "provision_ca_dir" -> {
          ca = d.path(null);
          caLine = d;
        }
        case "provision_id_pattern" -> {
          try {
            policy = policy.withIdPattern(Pattern.compile(d.string()));
          } catch (PatternSyntaxException e) {
            throw d.error("not a regular expression: " + e.getDescription());
          }
        }
        case "provision_allow_list" -> policy = policy.withAllowList(readable(d));
        case "provision_token_file" -> policy = policy.withTokenFile(readable(d));
        case "provision_key_types" -> {
          Set<KeyType> types = EnumSet.noneOf(KeyType.class);
          for (String w : d.words(1, 4)) {
            try {
              types.add(ProvisioningPolicy.keyType(w));
            } catch (PkiException e) {
              throw d.error(e.getMessage());
            }
          }
          policy = policy.withKeyTypes(types);
        }
        case "provision_days" -> policy = policy.withDays((int) d.integer(1, 36500));
        case "provision_rate" -> rate = rate(d);
        case "provision_claim_identity" -> {} // the broker's
        default -> throw d.error("unknown provisioning directive");
      }
    }
    if (ca == null) {
      if (policyLine != null) {
        throw policyLine.error("no provision_ca_dir: nothing would apply it; add one");
      }
      return Optional.empty();
    }
    if (!CertificateAuthority.exists(ca)) {
      throw caLine.error("no CA in " + ca + " (ca.crt missing): create one with 'mqttls pki init'");
    }
    return Optional.of(new ProvisioningConfig(ca, policy, rate));
  }

  private static Path readable(Directive d) throws ConfException {
    Path p = d.path(null);
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      throw d.error("cannot read " + p + ": check the path and its permissions");
    }
    return p;
  }

  /** {@code N/s} or {@code N}. */
  private static int rate(Directive d) throws ConfException {
    String v = d.word();
    String n = v.endsWith("/s") ? v.substring(0, v.length() - 2) : v;
    return (int) d.integer(n, 0, 1_000_000);
  }
}
