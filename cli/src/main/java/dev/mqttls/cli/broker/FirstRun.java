package dev.mqttls.cli.broker;

import dev.mqttls.cli.install.SelfCommand;
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
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code mqttls broker} does when started without {@code -c}: prepares {@code ./mqttls-data}
 * (development CA, server certificate, a device certificate for the printed example, and a
 * configuration with a TLS listener on 8883 that requires client certificates plus a plain listener
 * on 127.0.0.1:1883) and prints how to connect, spelled so that each printed command works when
 * pasted into the same shell. A second run reuses everything.
 */
public final class FirstRun {
  /** The default TLS port of the written configuration. */
  public static final int TLS_PORT = 8883;

  /** The default loopback-only plain port of the written configuration. */
  public static final int PLAIN_PORT = 1883;

  /** The default loopback-only port of the admin HTTP listener (metrics, dashboard). */
  public static final int HTTP_PORT = 9090;

  /** The configuration file's name inside the data directory. */
  public static final String CONF = "mqttls.conf";

  /** The server certificate's id (its CN; SANs add the host name and addresses). */
  static final String SERVER_ID = "localhost";

  /** The device certificate minted for the printed example. */
  static final String EXAMPLE_DEVICE = "example-device";

  /** The TLS listener line of the written file: a port and no address. */
  private static final Pattern TLS_LISTENER = Pattern.compile("(?m)^listener (\\d+)$");

  /**
   * The two ports of the written configuration.
   *
   * @param tls the TLS listener's port, on every address
   * @param plain the plain listener's port, on 127.0.0.1
   * @param http the admin HTTP listener's port, on 127.0.0.1
   */
  public record Ports(int tls, int plain, int http) {
    /** 8883 and 1883, as Mosquitto users expect, and 9090 for metrics and the dashboard. */
    public static final Ports DEFAULT = new Ports(TLS_PORT, PLAIN_PORT);

    public Ports {
      if (!valid(tls)
          || !valid(plain)
          || !valid(http)
          || tls == plain
          || http == tls
          || http == plain) {
        throw new IllegalArgumentException(
            "ports must be different numbers from 1 to 65535, got "
                + tls
                + ","
                + plain
                + ","
                + http);
      }
    }

    /** TLS and plain ports, with the admin listener on {@value #HTTP_PORT}. */
    public Ports(int tls, int plain) {
      this(tls, plain, HTTP_PORT);
    }

    private static boolean valid(int port) {
      return port >= 1 && port <= 65535;
    }

    /** Parses {@code TLS,PLAIN[,HTTP]}, e.g. {@code 18883,11883} or {@code 18883,11883,19090}. */
    public static Ports parse(String text) {
      String[] parts = text.split(",", -1);
      try {
        if (parts.length == 2 || parts.length == 3) {
          int tls = Integer.parseInt(parts[0].strip());
          int plain = Integer.parseInt(parts[1].strip());
          return parts.length == 2
              ? new Ports(tls, plain)
              : new Ports(tls, plain, Integer.parseInt(parts[2].strip()));
        }
      } catch (NumberFormatException e) {
        // Reported below with the expected form.
      }
      throw new IllegalArgumentException(
          "'" + text + "' is not TLS_PORT,PLAIN_PORT[,HTTP_PORT] (port numbers, e.g. 18883,11883)");
    }
  }

  private FirstRun() {}

  /**
   * {@link #prepare(Path, PrintStream, Ports, String)} with the default ports, for this process.
   */
  public static Optional<Path> prepare(Path dataDir, PrintStream out) {
    return prepare(dataDir, out, Ports.DEFAULT, SelfCommand.detect());
  }

  /**
   * Prepares (or reuses) the data directory and returns the configuration file to start with, or
   * empty to start with built-in defaults (never, today: the configuration is always written).
   *
   * @param ports the ports of a newly written configuration (an existing one keeps its own)
   * @param self how the user types this command from here ({@link SelfCommand}), for the printed
   *     examples
   * @throws PkiException with a one-line message when the CA in the directory cannot be used
   */
  public static Optional<Path> prepare(Path dataDir, PrintStream out, Ports ports, String self) {
    Path conf = dataDir.resolve(CONF);
    Path pkiDir = dataDir.resolve("pki");
    if (Files.isRegularFile(conf)) {
      out.println("mqttls: using " + conf + " (written on first run; edit it or pass -c FILE)");
      OptionalInt tlsPort = writtenTlsPort(conf);
      if (CertificateAuthority.exists(pkiDir) && tlsPort.isPresent()) {
        CertificateAuthority ca = CertificateAuthority.open(pkiDir, caPassword());
        Optional<IssuedCertificate> example = ca.find(EXAMPLE_DEVICE);
        if (example.isPresent()
            && !example.get().revoked()
            && example.get().keyFile().isPresent()) {
          printHowToConnect(out, dataDir, ca, example.get(), tlsPort.getAsInt(), self);
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
    writeConf(conf, ca, server, ports);
    created.add(
        String.format(
            Locale.ROOT,
            "  %-45s TLS with client certificates on %d, plain MQTT on 127.0.0.1:%d only",
            conf,
            ports.tls(),
            ports.plain()));
    out.println(
        "mqttls: first run: prepared " + dataDir + " (a development CA; keys are mode 0600)");
    created.forEach(out::println);
    if (device.keyFile().isPresent() && !device.revoked()) {
      printHowToConnect(out, dataDir, ca, device, ports.tls(), self);
    }
    return Optional.of(conf);
  }

  /** A CA made with {@code pki init --ca-password-file} is opened with MQTTLS_CA_PASSWORD. */
  private static char[] caPassword() {
    String env = System.getenv("MQTTLS_CA_PASSWORD");
    return env == null || env.isEmpty() ? null : env.toCharArray();
  }

  /** The TLS port of a configuration this class wrote, if the user has not changed that line. */
  private static OptionalInt writtenTlsPort(Path conf) {
    try {
      Matcher m = TLS_LISTENER.matcher(Files.readString(conf, StandardCharsets.UTF_8));
      return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    } catch (IOException | RuntimeException e) {
      // The broker reads the file next and names what is wrong with it; here only the hint is lost.
      return OptionalInt.empty();
    }
  }

  private static void printHowToConnect(
      PrintStream out,
      Path dataDir,
      CertificateAuthority ca,
      IssuedCertificate device,
      int tlsPort,
      String self) {
    String tls =
        String.format(
            Locale.ROOT,
            "-h localhost -p %d --cafile %s --cert %s --key %s",
            tlsPort,
            quote(ca.certificateFile()),
            quote(device.certificateFile()),
            quote(device.keyFile().orElseThrow()));
    out.println();
    out.println("Subscribe to everything with the example device's certificate:");
    out.println("  mosquitto_sub " + tls + " -t '#' -v");
    out.println("  " + self + " sub " + tls + " -t '#' -v");
    out.println("Publish:");
    out.println("  mosquitto_pub " + tls + " -t hello -m world");
    out.println("  " + self + " pub " + tls + " -t hello -m world");
    out.println("Mint a certificate for each device (its CN becomes the MQTT username):");
    Path pkiDir = dataDir.resolve("pki");
    String dirOption =
        pkiDir.normalize().equals(CertificateAuthority.DEFAULT_DIRECTORY)
            ? ""
            : "--dir " + quote(pkiDir) + " ";
    out.println(
        "  "
            + self
            + " pki "
            + dirOption
            + "device NAME      then --cert "
            + quote(pkiDir.resolve("certs").resolve("NAME.crt"))
            + " --key "
            + quote(pkiDir.resolve("private").resolve("NAME.key")));
    out.println(
        "  "
            + self
            + " pki "
            + dirOption
            + "export ca --format c-header   the CA for mbedTLS firmware");
    out.println();
  }

  private static void writeConf(
      Path conf, CertificateAuthority ca, IssuedCertificate server, Ports ports) {
    String text =
        "# mqttls broker configuration, written on first run by 'mqttls broker'.\n"
            + "# Paths are absolute so that the broker can be started from any directory.\n"
            + "#\n"
            + "# Mosquitto syntax (see mosquitto.conf(5)): Debian's mosquitto runs this file too,\n"
            + "# once the http_* lines at its end (mqttls's own) are deleted,\n"
            + "# started by the owner of these files: mosquitto -c "
            + conf.toAbsolutePath().normalize()
            + "\n"
            + "# Started as root, mosquitto switches to the user 'mosquitto' before it reads the\n"
            + "# keys, and that user cannot read pki/private (mode 0700): add 'user root' then.\n"
            + "\n"
            + "# Clients of the plain listener have no identity; the TLS listener always has one,\n"
            + "# because it requires a client certificate and takes its CN as the username.\n"
            + "allow_anonymous true\n"
            + "\n"
            + "# Plain MQTT for tools on this machine only.\n"
            + "listener "
            + ports.plain()
            + " 127.0.0.1\n"
            + "\n"
            + "# MQTT over TLS for devices: a certificate from this CA is required.\n"
            + "listener "
            + ports.tls()
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
            + "use_identity_as_username true\n"
            + "\n"
            + "# mqttls only: metrics, health checks and the dashboard, for this machine only.\n"
            + "http_listener "
            + ports.http()
            + " 127.0.0.1\n";
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
    return SelfCommand.quote(path);
  }
}
