package dev.mqttls.testing.pki;

import dev.mqttls.pki.CaOptions;
import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.DeviceOptions;
import dev.mqttls.pki.IssuedCertificate;
import dev.mqttls.pki.KeyType;
import dev.mqttls.pki.RevocationReason;
import dev.mqttls.pki.ServerOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real certificates made per test by our own {@code pki}, written to a directory (usually a JUnit
 * {@code @TempDir}): a CA, a server certificate for {@code localhost} / 127.0.0.1 / ::1, and device
 * certificates on demand.
 *
 * <pre>{@code
 * @TempDir Path tmp;
 * TestPki pki = TestPki.create(tmp);
 * // broker: pki.caFile(), pki.serverCert(), pki.serverKey(), pki.crlFile()
 * TestPki.Device d = pki.device("sensor-1"); // d.cert(), d.key(); CN=sensor-1, clientAuth
 * pki.revoke("sensor-1");                    // crl.pem lists it
 * }</pre>
 */
public final class TestPki {
  /** The server certificate's id and CN. */
  public static final String SERVER = "localhost";

  private final CertificateAuthority ca;
  private final IssuedCertificate server;
  private final Map<String, Device> devices = new ConcurrentHashMap<>();

  /** A device certificate and its key, as files. */
  public record Device(String id, Path cert, Path key) {}

  private TestPki(CertificateAuthority ca, IssuedCertificate server) {
    this.ca = ca;
    this.server = server;
  }

  /** An ECDSA P-256 CA in {@code dir/pki} with a server certificate. */
  public static TestPki create(Path dir) {
    return create(dir, KeyType.EC_P256, false);
  }

  /**
   * A CA of the given key type in {@code dir/pki} (optionally a root plus an issuing intermediate),
   * with a server certificate whose SANs are {@code localhost}, 127.0.0.1 and ::1.
   */
  public static TestPki create(Path dir, KeyType keyType, boolean intermediate) {
    CertificateAuthority ca =
        CertificateAuthority.init(
            dir.resolve("pki"),
            CaOptions.defaults()
                .withName("mqttls test CA")
                .withKeyType(keyType)
                .withIntermediate(intermediate));
    IssuedCertificate server =
        ca.issueServer(
            SERVER,
            ServerOptions.defaults()
                .withDnsNames(List.of("localhost"))
                .withIpAddresses(List.of("127.0.0.1", "::1")));
    return new TestPki(ca, server);
  }

  /** The CA itself, for anything the shortcuts here do not cover. */
  public CertificateAuthority ca() {
    return ca;
  }

  /** {@code ca.crt}: the trust anchor (cafile). */
  public Path caFile() {
    return ca.certificateFile();
  }

  /** The server certificate chain (certfile). */
  public Path serverCert() {
    return server.certificateFile();
  }

  /** The server private key (keyfile). */
  public Path serverKey() {
    return server.keyFile().orElseThrow();
  }

  /** {@code crl.pem} (crlfile); empty until {@link #revoke}. */
  public Path crlFile() {
    return ca.crlFile();
  }

  /** The device certificate with this id, issued on first use. */
  public Device device(String id) {
    return devices.computeIfAbsent(
        id,
        k -> {
          IssuedCertificate d = ca.issueDevice(k, DeviceOptions.defaults());
          return new Device(k, d.certificateFile(), d.keyFile().orElseThrow());
        });
  }

  /** Revokes a device (or the server) and rewrites {@code crl.pem}. */
  public void revoke(String id) {
    ca.revoke(id, RevocationReason.KEY_COMPROMISE);
  }
}
