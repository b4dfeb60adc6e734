package dev.mqttls.cli.client;

import java.nio.file.Path;
import java.util.List;
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

  boolean anySet() {
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
