package dev.mqttls.cli.pki;

import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.CertificateInfo;
import dev.mqttls.pki.IssuedCertificate;
import dev.mqttls.pki.PkiException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The shared shape of the {@code pki} subcommands: run, and turn a refusal into one line on stderr
 * and exit code 1, never a stack trace.
 */
abstract class PkiSubcommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  // pki, or a group below it (pki ca): the options of pki hold either way.
  @ParentCommand Object parent;

  PkiCommand pki;

  /** Does the work; returns the exit code. */
  abstract int execute() throws Exception;

  @Override
  public final Integer call() {
    pki = parent instanceof CaCommand group ? group.pki : (PkiCommand) parent;
    try {
      return execute();
    } catch (PkiException e) {
      return fail(e.getMessage());
    } catch (NoSuchFileException e) {
      return fail(e.getFile() + ": no such file");
    } catch (IOException e) {
      return fail(e.getMessage() == null ? e.toString() : e.getMessage());
    } catch (UsageException e) {
      err().println("mqttls pki " + spec.name() + ": " + e.getMessage());
      err().flush();
      return PkiCommand.USAGE;
    } catch (Exception e) {
      return fail("unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /**
   * Prints an issued server or node certificate's names and the three configuration lines that use
   * it, each directive with {@code prefix} ({@code ""} for a listener, {@code "cluster_"} for a
   * node).
   */
  void printNamesAndFiles(CertificateAuthority ca, IssuedCertificate issued, String prefix) {
    CertificateInfo info = ca.inspect(issued.id());
    PrintWriter out = out();
    out.printf(Locale.ROOT, "  DNS: %s%n", String.join(", ", info.dnsNames()));
    out.printf(Locale.ROOT, "  IP:  %s%n", String.join(", ", info.ipAddresses()));
    out.printf(Locale.ROOT, "  %scertfile %s%n", prefix, issued.certificateFile());
    out.printf(Locale.ROOT, "  %skeyfile  %s%n", prefix, issued.keyFile().orElseThrow());
    out.printf(Locale.ROOT, "  %scafile   %s%n", prefix, ca.certificateFile());
    out.flush();
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  private int fail(String message) {
    err().println("mqttls pki " + spec.name() + ": " + message.replaceAll("\\s*\\R\\s*", " "));
    err().flush();
    return PkiCommand.FAILED;
  }

  /** A combination of options that picocli cannot express; exit code 2. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message, null, false, false);
    }
  }
}
