package dev.mqttls.cli.psk;

import dev.mqttls.tls.TlsMaterialException;
import dev.mqttls.tls.psk.PskExport;
import dev.mqttls.tls.psk.PskFile;
import dev.mqttls.tls.psk.PskKeys;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code mqttls psk}: TLS-PSK identities in a Mosquitto {@code psk_file} (the broker's {@code
 * psk_file} directive): create one with a random key, list them, export one for firmware. Exit
 * codes: 0 done, 1 refused or failed (one line on stderr), 2 usage error.
 */
@Command(
    name = "psk",
    mixinStandardHelpOptions = true,
    description = "TLS-PSK identities and keys: create, list, export for firmware.",
    footer = {
      "",
      "Exit codes: 0 done, 1 refused or failed (the cause on stderr), 2 usage error.",
      "The broker reads the same file (psk_file) and re-reads it on SIGHUP."
    },
    subcommands = {PskCommand.Create.class, PskCommand.ListIds.class, PskCommand.Export.class})
public final class PskCommand implements Callable<Integer> {
  static final int FAILED = 1;
  static final int USAGE = 2;

  @Spec CommandSpec spec;

  @Option(
      names = {"-f", "--file"},
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "The psk_file (identity:hexkey lines; default: ${DEFAULT-VALUE}).")
  Path file = Path.of("psk_file");

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return USAGE;
  }

  /** Runs a subcommand; a refusal is one line on stderr and exit code 1, never a stack trace. */
  abstract static class Sub implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand PskCommand psk;

    abstract int execute() throws TlsMaterialException;

    @Override
    public final Integer call() {
      try {
        return execute();
      } catch (TlsMaterialException | IllegalArgumentException e) {
        err().println("mqttls psk " + spec.name() + ": " + e.getMessage());
        err().flush();
        return FAILED;
      }
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }
  }

  /** {@code mqttls psk create ID}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Add an identity with a new random key to the psk_file (created with mode 0600). The key"
              + " is not printed: use export.")
  static final class Create extends Sub {
    @Parameters(paramLabel = "ID", description = "The identity, e.g. the device id.")
    String identity;

    @Option(
        names = "--bytes",
        paramLabel = "N",
        description = "Key size in bytes, 1 to 64 (default: ${DEFAULT-VALUE}).")
    int bytes = 16;

    @Override
    int execute() throws TlsMaterialException {
      PskFile.append(psk.file, identity, PskFile.randomKey(bytes));
      out()
          .println(
              "created identity '"
                  + identity
                  + "' with a "
                  + bytes
                  + "-byte key in "
                  + psk.file
                  + "; for the device: mqttls psk export "
                  + identity
                  + " --format c-header|nrf-at");
      out().flush();
      return 0;
    }
  }

  /** {@code mqttls psk list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the identities in the psk_file (never the keys).")
  static final class ListIds extends Sub {
    @Override
    int execute() throws TlsMaterialException {
      PskKeys keys = PskFile.read(psk.file);
      for (String id : keys.identities()) {
        out().println(id);
      }
      out().flush();
      return 0;
    }
  }

  /** The firmware forms of {@code export}. */
  enum Format {
    C_HEADER,
    NRF_AT
  }

  /** {@code mqttls psk export ID}. */
  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description =
          "Print an identity and its key for firmware: a C header for mbedTLS"
              + " (mbedtls_ssl_conf_psk) or the nRF91 AT%CMNG lines (type 3 PSK, type 4 identity)."
              + " The output is a secret.")
  static final class Export extends Sub {
    @Parameters(paramLabel = "ID", description = "The identity.")
    String identity;

    @Option(
        names = "--format",
        required = true,
        paramLabel = "FORMAT",
        converter = FormatConverter.class,
        description = "c-header or nrf-at.")
    Format format;

    @Option(
        names = "--sec-tag",
        paramLabel = "N",
        description = "nRF91 security tag for nrf-at (default: ${DEFAULT-VALUE}).")
    int secTag = 42;

    @Override
    int execute() throws TlsMaterialException {
      PskKeys keys = PskFile.read(psk.file);
      byte[] key =
          keys.key(identity)
              .orElseThrow(
                  () ->
                      new TlsMaterialException(
                          psk.file, "no identity '" + identity + "' (mqttls psk list)"));
      out()
          .print(
              format == Format.C_HEADER
                  ? PskExport.cHeader(identity, key)
                  : PskExport.nrfAt(secTag, identity, key));
      out().flush();
      return 0;
    }
  }

  /** {@code c-header} / {@code nrf-at}. */
  static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      switch (value.toLowerCase(java.util.Locale.ROOT)) {
        case "c-header":
          return Format.C_HEADER;
        case "nrf-at":
          return Format.NRF_AT;
        default:
          throw new picocli.CommandLine.TypeConversionException(
              "'" + value + "': use c-header or nrf-at");
      }
    }
  }
}
