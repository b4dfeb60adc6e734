package dev.mqttls.cli.pki;

import dev.mqttls.pki.KeyType;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --rsa BITS} / {@code --ec}: the key type of an issued certificate. */
final class KeyTypeOptions {
  @Option(
      names = "--rsa",
      paramLabel = "BITS",
      description = "RSA key of 2048, 3072 or 4096 bits (default: the CA's key type).")
  Integer rsaBits;

  @Option(names = "--ec", description = "ECDSA P-256 key (default for an ECDSA CA).")
  boolean ec;

  Optional<KeyType> keyType() {
    if (rsaBits != null && ec) {
      throw new PkiSubcommand.UsageException("--rsa and --ec exclude each other");
    }
    if (rsaBits != null) {
      return Optional.of(KeyType.rsa(rsaBits));
    }
    return ec ? Optional.of(KeyType.EC_P256) : Optional.empty();
  }
}
