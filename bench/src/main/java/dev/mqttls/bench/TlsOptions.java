package dev.mqttls.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the bench's connections verify the broker and which TLS they speak; the client certificate
 * comes from the {@link DevicePool}, one per connection.
 *
 * @param caFile PEM CA certificates to trust (empty: the system's)
 * @param protocols TLS versions to offer, e.g. {@code TLSv1.3} (empty: the engine's defaults)
 * @param ciphers cipher suites to allow (empty: the engine's defaults)
 * @param insecure skip the host name check (the chain is still verified)
 * @param serverName SNI name to send and verify instead of the host
 */
public record TlsOptions(
    Optional<Path> caFile,
    List<String> protocols,
    List<String> ciphers,
    boolean insecure,
    Optional<String> serverName) {

  /** Checks and copies the fields. */
  public TlsOptions {
    Objects.requireNonNull(caFile, "caFile");
    Objects.requireNonNull(serverName, "serverName");
    protocols = List.copyOf(protocols);
    ciphers = List.copyOf(ciphers);
  }

  /** Trust {@code caFile}, engine defaults otherwise. */
  public static TlsOptions trusting(Path caFile) {
    return new TlsOptions(Optional.of(caFile), List.of(), List.of(), false, Optional.empty());
  }

  /** These options offering only {@code version} ({@code TLSv1.3} or {@code TLSv1.2}). */
  public TlsOptions withProtocol(String version) {
    return new TlsOptions(caFile, List.of(version), ciphers, insecure, serverName);
  }
}
