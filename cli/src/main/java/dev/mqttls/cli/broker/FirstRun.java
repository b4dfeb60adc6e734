package dev.mqttls.cli.broker;

import dev.mqttls.pki.CaOptions;
import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.CertificateInfo;
import dev.mqttls.pki.DeviceOptions;
import dev.mqttls.pki.IssuedCertificate;
import dev.mqttls.pki.PkiException;
import dev.mqttls.pki.ServerOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What {@code mqttls broker} does when started without {@code -c}: prepares {@code ./mqttls-data}
 * (development CA, server certificate, a device certificate for the printed example, and a
 * configuration with a TLS listener on 8883 that requires client certificates plus a plain listener
 * on 127.0.0.1:1883) and prints how to connect. A second run reuses everything.
 */
public final class FirstRun {
  /** The TLS port of the written configuration. */
  public static final int TLS_PORT = 8883;

  /** The loopback-only plain port of the written configuration. */
  public static final int PLAIN_PORT = 1883;

  /** The configuration file's name inside the data directory. */
  public static final String CONF = "mqttls.conf";

  /** The server certificate's id (its CN; SANs add the host name and addresses). */
  static final String SERVER_ID = "localhost";

  /** The device certificate minted for the printed example. */
  static final String EXAMPLE_DEVICE = "example-device";

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

  private FirstRun() {}

  /**
   * Prepares (or reuses) the data directory and returns the configuration file to start with, or
   * empty to start with built-in defaults (never, today: the configuration is always written).
   *
   * @throws PkiException with a one-line message when the CA in the directory cannot be used
   */
  public static Optional<Path> prepare(Path dataDir, PrintStream out) {
    Path conf = dataDir.resolve(CONF);
    Path pkiDir = dataDir.resolve("pki");
    if (Files.isRegularFile(conf)) {
      out.println("mqttls: using " + conf + " (written on first run; edit it or pass -c FILE)");
      if (CertificateAuthority.exists(pkiDir)) {
        CertificateAuthority ca = CertificateAuthority.open(pkiDir, caPassword());
        Optional<IssuedCertificate> example = ca.find(EXAMPLE_DEVICE);
        if (example.isPresent()
            && !example.get().revoked()
            && example.get().keyFile().isPresent()) {
          printHowToConnect(out, dataDir, ca, example.get());
        }
      }
      return Optional.of(conf);
    }
    List<String> created = new ArrayList<>();
    CertificateAuthority ca;
    if (CertificateAuthority.exists(pkiDir)) {
      ca = CertificateAuthority.open(pkiDir, caPassword());
    } else {
      ca =
          CertificateAuthority.init(pkiDir, CaOptions.defaults().withName("mqttls development CA"));
      created.add(
          String.format(
              Locale.ROOT, "  %-45s the CA: brokers and devices trust it", ca.certificateFile()));
    }
    IssuedCertificate server = ca.find(SERVER_ID).orElse(null);
    if (server == null) {
      server = ca.issueServer(SERVER_ID, ServerOptions.defaults());
      CertificateInfo info = ca.inspect(SERVER_ID);
      created.add(
          String.format(
              Locale.ROOT,
              "  %-45s the broker's certificate (DNS: %s; IP: %s)",
              server.certificateFile(),
              String.join(", ", info.dnsNames()),
              String.join(", ", info.ipAddresses())));
    }
    IssuedCertificate device = ca.find(EXAMPLE_DEVICE).orElse(null);
    if (device == null) {
      device = ca.issueDevice(EXAMPLE_DEVICE, DeviceOptions.defaults());
      created.add(
          String.format(
              Locale.ROOT,
              "  %-45s a device certificate for the example below",
              device.certificateFile()));
    }
    writeConf(conf, ca, server);
    created.add(
        String.format(
            Locale.ROOT,
            "  %-45s TLS with client certificates on %d, plain MQTT on 127.0.0.1:%d only",
            conf,
            TLS_PORT,
            PLAIN_PORT));
    out.println(
        "mqttls: first run: prepared " + dataDir + " (a development CA; keys are mode 0600)");
    created.forEach(out::println);
    if (device.keyFile().isPresent() && !device.revoked()) {
      printHowToConnect(out, dataDir, ca, device);
    }
    return Optional.of(conf);
  }

  /** A CA made with {@code pki init --ca-password-file} is opened with MQTTLS_CA_PASSWORD. */
  private static char[] caPassword() {
    String env = System.getenv("MQTTLS_CA_PASSWORD");
    return env == null || env.isEmpty() ? null : env.toCharArray();
  }

  private static void printHowToConnect(
      PrintStream out, Path dataDir, CertificateAuthority ca, IssuedCertificate device) {
    String tls =
        String.format(
            Locale.ROOT,
            "-h localhost -p %d --cafile %s --cert %s --key %s",
            TLS_PORT,
            quote(ca.certificateFile()),
            quote(device.certificateFile()),
            quote(device.keyFile().orElseThrow()));
    out.println();
    out.println("Subscribe to everything with the example device's certificate:");
    out.println("  mosquitto_sub " + tls + " -t '#' -v");
    out.println("  mqttls sub " + tls + " -t '#' -v");
    out.println("Publish:");
    out.println("  mosquitto_pub " + tls + " -t hello -m world");
    out.println("Mint a certificate for each device (its CN becomes the MQTT username):");
    Path pkiDir = dataDir.resolve("pki");
    String dirOption =
        pkiDir.normalize().equals(CertificateAuthority.DEFAULT_DIRECTORY)
            ? ""
            : "--dir " + quote(pkiDir) + " ";
    out.println(
        "  mqttls pki "
            + dirOption
            + "device NAME      then --cert "
            + quote(pkiDir.resolve("certs").resolve("NAME.crt"))
            + " --key "
            + quote(pkiDir.resolve("private").resolve("NAME.key")));
    out.println(
        "  mqttls pki " + dirOption + "export ca --format c-header   the CA for mbedTLS firmware");
    out.println();
  }

  private static void writeConf(Path conf, CertificateAuthority ca, IssuedCertificate server) {
    String text =
        "# mqttls broker configuration, written on first run by 'mqttls broker'.\n"
            + "# Mosquitto syntax (see mosquitto.conf(5)); the same file runs Debian's mosquitto.\n"
            + "# Paths are absolute so that the broker can be started from any directory.\n"
            + "\n"
            + "# Clients of the plain listener have no identity; the TLS listener always has one,\n"
            + "# because it requires a client certificate and takes its CN as the username.\n"
            + "allow_anonymous true\n"
            + "\n"
            + "# Plain MQTT for tools on this machine only.\n"
            + "listener "
            + PLAIN_PORT
            + " 127.0.0.1\n"
            + "\n"
            + "# MQTT over TLS for devices: a certificate from this CA is required.\n"
            + "listener "
            + TLS_PORT
            + "\n"
            + "cafile "
            + ca.certificateFile().toAbsolutePath().normalize()
            + "\n"
            + "certfile "
            + server.certificateFile().toAbsolutePath().normalize()
            + "\n"
            + "keyfile "
            + server.keyFile().orElseThrow().toAbsolutePath().normalize()
            + "\n"
            + "# 'mqttls pki revoke ID' rewrites it; a broker refuses the device once it re-reads it.\n"
            + "crlfile "
            + ca.crlFile().toAbsolutePath().normalize()
            + "\n"
            + "require_certificate true\n"
            + "use_identity_as_username true\n";
    try {
      Path tmp = Files.createTempFile(conf.toAbsolutePath().getParent(), "." + CONF, ".tmp");
      try {
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, conf, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new PkiException(
          PkiException.Reason.IO, "cannot write " + conf + ": " + e.getMessage(), e);
    }
  }

  /** A path as a shell word: unchanged when safe, single-quoted otherwise. */
  static String quote(Path path) {
    String s = path.toString();
    return SAFE.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
