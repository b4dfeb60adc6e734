package dev.mqttls.cli.pki;

import dev.mqttls.pki.CertificateAuthority;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code mqttls pki}: a certificate authority in a directory. The subcommands are thin adapters
 * over {@link CertificateAuthority}. Exit codes: 0 done, 1 refused or failed (one line on stderr
 * naming the cause), 2 usage error.
 */
@Command(
    name = "pki",
    mixinStandardHelpOptions = true,
    description =
        "Certificate authority: CA, server, device and cluster node certificates, CRL, export.",
    footer = {
      "",
      "Exit codes: 0 done, 1 refused or failed (the cause on stderr), 2 usage error.",
      "An encrypted CA key's password comes from --ca-password-file",
      "or MQTTLS_CA_PASSWORD, never from the command line."
    },
    subcommands = {
      InitCommand.class,
      ServerCommand.class,
      NodeCommand.class,
      DeviceCommand.class,
      RevokeCommand.class,
      RenewCommand.class,
      CaCommand.class,
      CrlCommand.class,
      ExportCommand.class,
      ListCommand.class,
      ShowCommand.class
    })
public final class PkiCommand implements java.util.concurrent.Callable<Integer> {
  /** Exit code of a refused or failed operation. */
  static final int FAILED = 1;

  /** Exit code of a usage error (picocli's own code). */
  static final int USAGE = 2;

  /** The environment variable holding the CA key password. */
  static final String CA_PASSWORD_ENV = "MQTTLS_CA_PASSWORD";

  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      scope = ScopeType.INHERIT,
      paramLabel = "DIR",
      description = "CA directory (default: ${DEFAULT-VALUE}).")
  Path dir = CertificateAuthority.DEFAULT_DIRECTORY;

  @Option(
      names = "--ca-password-file",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description =
          "File whose first line is the CA key password (or set MQTTLS_CA_PASSWORD). With init:"
              + " encrypt the new CA key.")
  Path caPasswordFile;

  /** Without a subcommand: the usage, and the usage exit code. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return USAGE;
  }

  /** The CA password from the file or the environment, or null when neither is given. */
  char[] caPassword() throws IOException {
    if (caPasswordFile != null) {
      return readPasswordFile(caPasswordFile);
    }
    String env = System.getenv(CA_PASSWORD_ENV);
    return env == null || env.isEmpty() ? null : env.toCharArray();
  }

  /** Opens the CA in {@link #dir} with the configured password. */
  CertificateAuthority open() throws IOException {
    return CertificateAuthority.open(dir, caPassword());
  }

  /** Reads the first line of a password file; the password never appears in argv. */
  static char[] readPasswordFile(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int nl = text.indexOf('\n');
    String line = nl >= 0 ? text.substring(0, nl) : text;
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    if (line.isEmpty()) {
      throw new IOException(file + " holds an empty password");
    }
    return line.toCharArray();
  }
}
