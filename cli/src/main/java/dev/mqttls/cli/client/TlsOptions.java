package dev.mqttls.cli.client;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The TLS options of every client command, spelled as mosquitto_pub/sub spell them. Any of them (or
 * an {@code mqtts://} URL) turns TLS on.
 */
public final class TlsOptions {
  @Option(
      names = "--cafile",
      paramLabel = "FILE",
      description = "PEM file of CA certificates to trust instead of the system's.")
  Path caFile;

  @Option(
      names = "--capath",
      paramLabel = "DIR",
      description = "Directory of PEM CA certificates to trust.")
  Path caPath;

  @Option(
      names = "--tls-use-os-certs",
      description = "Use TLS, trusting the operating system's CA certificates.")
  boolean osCerts;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description = "Client certificate chain (PEM), for mutual TLS.")
  Path cert;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description =
          "Client private key: PEM in any form (PKCS#1, SEC1, PKCS#8, encrypted), or PKCS#12 with --keyform p12. "
              + "The password of an encrypted key comes from MQTTLS_KEY_PASSWORD or a prompt.")
  Path key;

  @Option(
      names = "--keyform",
      paramLabel = "FORM",
      description = "pem (default) or p12 (--key is a PKCS#12 file holding certificate and key).")
  String keyForm = "pem";

  @Option(
      names = "--sec-tag",
      paramLabel = "N",
      description = "Take CA, certificate and key from this tag of the credential store.")
  Integer secTag;

  @Option(
      names = "--sec-tag-dir",
      paramLabel = "DIR",
      description = "The credential store (default: $MQTTLS_CREDENTIALS or ~/.mqttls/credentials).")
  Path secTagDir;

  @Option(
      names = "--insecure",
      description =
          "Do not check that the broker's certificate names the host (the chain is still verified). Development only.")
  boolean insecure;

  @Option(
      names = "--tls-version",
      paramLabel = "VERSION",
      description = "Only this TLS version: tlsv1.3 or tlsv1.2.")
  String tlsVersion;

  @Option(
      names = "--ciphers",
      paramLabel = "LIST",
      description = "Colon-separated cipher suites to allow.")
  String ciphers;

  @Option(
      names = "--tls-alpn",
      paramLabel = "PROTOCOL",
      description = "ALPN protocol to offer (repeatable), e.g. mqtt or x-amzn-mqtt-ca.")
  List<String> alpn;

  @Option(
      names = "--servername",
      paramLabel = "NAME",
      description = "Send NAME in SNI and verify the certificate against it instead of the host.")
  String serverName;

  /** --cafile, checked readable. */
  public Optional<Path> caFile() {
    return Optional.ofNullable(InputFiles.readableFile("--cafile", caFile));
  }

  /** --cert, checked readable. */
  public Optional<Path> certFile() {
    return Optional.ofNullable(InputFiles.readableFile("--cert", cert));
  }

  /** --key, checked readable. */
  public Optional<Path> keyFile() {
    return Optional.ofNullable(InputFiles.readableFile("--key", key));
  }

  /** --sec-tag. */
  public Optional<Integer> secTag() {
    return Optional.ofNullable(secTag);
  }

  /** The credential store: --sec-tag-dir, $MQTTLS_CREDENTIALS or ~/.mqttls/credentials. */
  public Path secTagDir() {
    if (secTagDir != null) {
      return secTagDir;
    }
    String env = ClientSetup.environment.apply("MQTTLS_CREDENTIALS");
    return env != null
        ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".mqttls", "credentials");
  }

  /** --servername. */
  public Optional<String> serverName() {
    return Optional.ofNullable(serverName);
  }

  /** The --tls-alpn protocols. */
  public List<String> alpn() {
    return alpn == null ? List.of() : List.copyOf(alpn);
  }

  /** Adds an ALPN protocol, for commands that keep an older spelling of --tls-alpn. */
  public void addAlpn(String protocol) {
    if (alpn == null) {
      alpn = new java.util.ArrayList<>();
    }
    alpn.add(protocol);
  }

  /** Whether --tls-version tlsv1.2 (only TLS 1.2) was asked for; fails on an unknown version. */
  public boolean tls12Only() {
    return tlsVersion != null && tlsVersion("--tls-version").equals("TLSv1.2");
  }

  /** --tls-version as the JDK names it, or a usage failure naming the flag. */
  String tlsVersion(String flag) {
    switch (tlsVersion.toLowerCase(java.util.Locale.ROOT)) {
      case "tlsv1.3":
        return "TLSv1.3";
      case "tlsv1.2":
        return "TLSv1.2";
      default:
        throw new CliFailure(
            ExitCodes.USAGE, flag + " must be tlsv1.3 or tlsv1.2, was " + tlsVersion);
    }
  }

  /**
   * Fails, naming the first of the given options that was used, for a command that does not support
   * them (yet): {@code --capath --tls-use-os-certs --keyform --insecure --ciphers}, and {@code
   * --tls-version} other than tlsv1.2 where {@code tls12OnlyVersion}.
   */
  public void refuseUnsupported(String command, boolean tls12OnlyVersion) {
    String used = null;
    if (caPath != null) {
      used = "--capath";
    } else if (osCerts) {
      used = "--tls-use-os-certs";
    } else if (!keyForm.equalsIgnoreCase("pem")) {
      used = "--keyform";
    } else if (insecure) {
      used = "--insecure";
    } else if (ciphers != null) {
      used = "--ciphers";
    } else if (alpn != null && alpn.size() > 1) {
      used = "--tls-alpn (more than once)";
    }
    if (used != null) {
      throw new CliFailure(ExitCodes.USAGE, command + " does not take " + used);
    }
    if (tls12OnlyVersion && tlsVersion != null && !tls12Only()) {
      throw new CliFailure(
          ExitCodes.USAGE,
          command + " probes every TLS version itself; --tls-version takes only tlsv1.2 here");
    }
  }

  /** --insecure: the host name is not checked (the chain still is). */
  public boolean insecure() {
    return insecure;
  }

  /** --ciphers as a list (colon-separated on the command line), empty when not given. */
  public List<String> cipherList() {
    return ciphers == null ? List.of() : List.of(ciphers.split(":"));
  }

  /** --tls-version as the JDK names it; a usage failure naming the flag for another value. */
  public Optional<String> jdkTlsVersion() {
    return tlsVersion == null ? Optional.empty() : Optional.of(tlsVersion("--tls-version"));
  }

  /**
   * Fails, naming the option, for what a load run cannot honour: {@code --capath --tls-use-os-certs
   * --keyform --sec-tag --tls-alpn} (the bench builds one TLS context per device from PEM files).
   */
  public void refuseForLoad(String command) {
    String used = null;
    if (caPath != null) {
      used = "--capath";
    } else if (osCerts) {
      used = "--tls-use-os-certs";
    } else if (!keyForm.equalsIgnoreCase("pem")) {
      used = "--keyform";
    } else if (secTag != null) {
      used = "--sec-tag";
    } else if (alpn != null && !alpn.isEmpty()) {
      used = "--tls-alpn";
    }
    if (used != null) {
      throw new CliFailure(ExitCodes.USAGE, command + " does not take " + used);
    }
  }

  /** Whether any TLS flag was given (so the connection is TLS even without mqtts://). */
  public boolean anySet() {
    return caFile != null
        || caPath != null
        || osCerts
        || cert != null
        || key != null
        || secTag != null
        || insecure
        || tlsVersion != null
        || ciphers != null
        || (alpn != null && !alpn.isEmpty())
        || serverName != null;
  }
}
