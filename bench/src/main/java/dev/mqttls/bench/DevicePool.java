package dev.mqttls.bench;

import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.CertificateKind;
import dev.mqttls.pki.DeviceOptions;
import dev.mqttls.pki.IssuedCertificate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The client certificates the bench's connections present: none, one for every connection, or one
 * per device from a {@code mqttls pki} directory, handed out round robin so that N devices give N
 * distinct identities (and a broker cannot share one TLS session cache entry between them).
 */
public final class DevicePool {
  /** One device's certificate chain and private key, as PEM files. */
  public record Device(String id, Path cert, Path key) {
    /** Checks the fields. */
    public Device {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(cert, "cert");
      Objects.requireNonNull(key, "key");
    }
  }

  /** The prefix of device certificates the bench issues when a pki directory has too few. */
  public static final String ISSUED_PREFIX = "bench-";

  private final List<Device> devices;
  private final Optional<Path> caFile;

  private DevicePool(List<Device> devices, Optional<Path> caFile) {
    this.devices = List.copyOf(devices);
    this.caFile = caFile;
  }

  /** No client certificates (plain MQTT, or TLS without client authentication). */
  public static DevicePool none() {
    return new DevicePool(List.of(), Optional.empty());
  }

  /** The same certificate and key for every connection ({@code --cert}, {@code --key}). */
  public static DevicePool single(Path cert, Path key) {
    return new DevicePool(List.of(new Device("cert", cert, key)), Optional.empty());
  }

  /**
   * {@code count} device certificates from the CA directory {@code dir} that {@code mqttls pki}
   * writes: its unrevoked device certificates with a key, and when there are fewer than {@code
   * count}, new ones issued now as {@code bench-N} (so a second run reuses them).
   *
   * @throws dev.mqttls.pki.PkiException if the directory holds no CA or cannot issue
   */
  public static DevicePool fromPki(Path dir, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("--devices must be at least 1, was " + count);
    }
    CertificateAuthority ca = CertificateAuthority.open(dir);
    List<Device> found = new ArrayList<>();
    for (IssuedCertificate c : ca.list()) {
      if (found.size() == count) {
        break;
      }
      if (c.kind() == CertificateKind.DEVICE && !c.revoked() && c.keyFile().isPresent()) {
        found.add(new Device(c.id(), c.certificateFile(), c.keyFile().get()));
      }
    }
    if (found.size() < count) {
      for (IssuedCertificate c :
          ca.issueDevices(ISSUED_PREFIX, count - found.size(), DeviceOptions.defaults())) {
        found.add(new Device(c.id(), c.certificateFile(), c.keyFile().orElseThrow()));
      }
    }
    return new DevicePool(found, Optional.of(ca.certificateFile()));
  }

  /** The certificates, in the order connections take them. */
  public List<Device> devices() {
    return devices;
  }

  /** The certificate connection number {@code index} presents, or empty for none. */
  public Optional<Device> forConnection(int index) {
    return devices.isEmpty()
        ? Optional.empty()
        : Optional.of(devices.get(Math.floorMod(index, devices.size())));
  }

  /** The CA file of the pki directory the devices came from, if they came from one. */
  public Optional<Path> caFile() {
    return caFile;
  }

  /** How many distinct certificates there are. */
  public int size() {
    return devices.size();
  }
}
