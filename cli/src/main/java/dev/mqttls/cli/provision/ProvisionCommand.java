package dev.mqttls.cli.provision;

import dev.mqttls.cli.client.CliFailure;
import dev.mqttls.cli.client.ClientSetup;
import dev.mqttls.cli.client.Commands;
import dev.mqttls.cli.client.ConnectionOptions;
import dev.mqttls.cli.client.ExitCodes;
import dev.mqttls.cli.client.SessionOptions;
import dev.mqttls.cli.client.TlsOptions;
import dev.mqttls.client.CredentialStore;
import dev.mqttls.client.DeviceCredentials;
import dev.mqttls.client.DeviceKeyType;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.Provisioning;
import dev.mqttls.client.ProvisioningException;
import dev.mqttls.client.ProvisioningRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mqttls provision ID}: a device's first certificate (or, with {@code --renew}, its next
 * one) over MQTT from a broker that provisions (docs/provisioning.md). The key is made here and
 * written beside the certificate (mode 0600) or into a credential store tag.
 */
@Command(
    name = "provision",
    mixinStandardHelpOptions = true,
    description = {
      "Get a device certificate over MQTT: connect with a claim certificate (--cert/--key) or a"
          + " claim user name (-u), send a CSR for a key made here, store the certificate and key.",
      "With --renew, connect with the device's own certificate and get its next one."
    },
    footer = ExitCodes.HELP)
public final class ProvisionCommand implements Callable<Integer> {
  /** The environment variable a one-time token may come from. */
  static final String TOKEN_ENV = "MQTTLS_PROVISION_TOKEN";

  @Spec CommandSpec spec;

  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Mixin SessionOptions session = new SessionOptions();
  @Mixin TlsOptions tls = new TlsOptions();

  @Parameters(index = "0", paramLabel = "ID", description = "The device id (the certificate's CN).")
  String id;

  @Option(
      names = "--renew",
      description = "Renew: connect as the device itself and get a new certificate for a new key.")
  boolean renew;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "The one-time token, read from FILE (or from $"
              + TOKEN_ENV
              + "; never on the command line).")
  Path tokenFile;

  @Option(
      names = "--key-type",
      paramLabel = "TYPE",
      description = "The key made here: ec (ECDSA P-256, default) or rsa (RSA 2048).")
  String keyType = "ec";

  @Option(
      names = "--out-cert",
      paramLabel = "FILE",
      description = "Where the certificate chain goes (default: ID.crt).")
  Path outCert;

  @Option(
      names = "--out-key",
      paramLabel = "FILE",
      description = "Where the private key goes, mode 0600 (default: ID.key).")
  Path outKey;

  @Option(
      names = "--store-tag",
      paramLabel = "N",
      description = "Store certificate and key under this tag of a credential store instead.")
  Integer storeTag;

  @Option(
      names = "--store-dir",
      paramLabel = "DIR",
      description = "The credential store for --store-tag (default: ~/.mqttls/credentials).")
  Path storeDir;

  @Option(
      names = "-W",
      paramLabel = "SECONDS",
      description = "How long to wait for the answer (default 30).")
  int waitSeconds = 30;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    return Commands.run("provision", err, connection.debug(), () -> provision(out, err));
  }

  private int provision(PrintWriter out, PrintWriter err) throws IOException {
    if (waitSeconds < 1) {
      throw new CliFailure(ExitCodes.USAGE, "-W must be 1 or more seconds");
    }
    DeviceKeyType type =
        switch (keyType) {
          case "ec" -> DeviceKeyType.EC_P256;
          case "rsa" -> DeviceKeyType.RSA_2048;
          default -> throw new CliFailure(ExitCodes.USAGE, "--key-type is ec or rsa");
        };
    ProvisioningRequest request;
    try {
      request =
          ProvisioningRequest.of(id).withKeyType(type).withTimeout(Duration.ofSeconds(waitSeconds));
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCodes.USAGE, e.getMessage());
    }
    String token = token();
    if (token != null) {
      request = request.withToken(token);
    }
    MqttClientConfig config = ClientSetup.build(connection, session, tls, List.of(), err).config();
    DeviceCredentials creds;
    try {
      creds = renew ? Provisioning.renew(config, request) : Provisioning.provision(config, request);
    } catch (ProvisioningException e) {
      throw new CliFailure(ExitCodes.REFUSED, "refused: " + e.code() + ": " + e.getMessage());
    }
    String where;
    if (storeTag != null) {
      Path dir =
          storeDir != null
              ? storeDir
              : Path.of(System.getProperty("user.home"), ".mqttls", "credentials");
      creds.store(CredentialStore.open(dir), storeTag);
      where = "sec tag " + storeTag + " of " + dir;
    } else {
      Path cert = outCert != null ? outCert : Path.of(id + ".crt");
      Path key = outKey != null ? outKey : Path.of(id + ".key");
      creds.writeFiles(cert, key);
      where = cert + " (key " + key + ", mode 0600)";
    }
    out.println(
        id
            + ": certificate serial "
            + creds.certificate().getSerialNumber().toString(16)
            + " valid until "
            + creds.notAfter()
            + (renew ? " (renewed)" : "")
            + ", written to "
            + where);
    out.flush();
    return ExitCodes.OK;
  }

  private String token() throws IOException {
    if (tokenFile != null) {
      try {
        String t = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        if (t.isEmpty()) {
          throw new CliFailure(ExitCodes.USAGE, "--token-file " + tokenFile + " is empty");
        }
        return t;
      } catch (NoSuchFileException e) {
        throw new CliFailure(
            ExitCodes.USAGE, "--token-file " + tokenFile + ": no such file; check the path");
      }
    }
    String env = System.getenv(TOKEN_ENV);
    return env == null || env.isBlank() ? null : env.strip();
  }
}
