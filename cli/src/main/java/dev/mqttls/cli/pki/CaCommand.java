package dev.mqttls.cli.pki;

import dev.mqttls.pki.CaOptions;
import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.Retirement;
import dev.mqttls.pki.Rollover;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code mqttls pki ca rollover | retire-old}: replace the CA without stranding devices. */
@Command(
    name = "ca",
    mixinStandardHelpOptions = true,
    description = {
      "Roll the CA over to a new key: 'rollover' starts the overlap (both roots trusted),",
      "'retire-old' ends it. See docs/ca-rollover.md for the timeline."
    },
    subcommands = {CaCommand.RolloverCommand.class, CaCommand.RetireCommand.class})
final class CaCommand implements java.util.concurrent.Callable<Integer> {
  @ParentCommand PkiCommand pki;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return PkiCommand.USAGE;
  }

  /** {@code mqttls pki ca rollover}. */
  @Command(
      name = "rollover",
      mixinStandardHelpOptions = true,
      description = {
        "Make a new CA (new key) that issues from now on; ca.crt becomes a bundle of the new",
        "and the old root (a broker's cafile: devices of both connect). The old root certifies",
        "the new one (cross.crt); server certificates issued now carry it, so devices holding",
        "only the old root still verify the broker. Re-issue devices with 'pki renew ID'."
      })
  static final class RolloverCommand extends PkiSubcommand {
    @Option(names = "--name", paramLabel = "NAME", description = "New CA name (default: old + G2).")
    String name;

    @Option(
        names = "--days",
        paramLabel = "N",
        description = "New CA validity in days (default: the old CA's).")
    Integer days;

    @Mixin KeyTypeOptions keyType;

    @Override
    int execute() throws Exception {
      CertificateAuthority authority = pki.open();
      CaOptions options = authority.nextGeneration();
      if (name != null) {
        options = options.withName(name);
      }
      if (days != null) {
        options = options.withDays(days);
      }
      if (keyType.keyType().isPresent()) {
        options = options.withKeyType(keyType.keyType().get());
      }
      Rollover r = authority.rollover(options);
      var out = out();
      out.printf(
          Locale.ROOT,
          "New CA %s (serial %s) issues from now on; the old CA %s stays trusted%n",
          r.newRoot().getSubjectX500Principal().getName(),
          r.newRoot().getSerialNumber().toString(16),
          r.previousRoot().getSubjectX500Principal().getName());
      out.printf(
          Locale.ROOT,
          "  cafile %s now holds both roots: reload brokers that use it%n",
          r.bundle());
      if (r.crossCertificate().isPresent()) {
        out.printf(
            Locale.ROOT,
            "  %s: the new root certified by the old one; renew server certificates now"
                + " ('mqttls pki renew NAME') so they carry it%n",
            authority.directory().resolve("cross.crt"));
      } else {
        out.printf(
            Locale.ROOT,
            "  no cross certificate: the old root allows no CA below it (pathlen 0), so devices"
                + " that hold only the old root cannot verify a server certificate of the new CA;"
                + " keep the server's old certificate until every device trusts %s%n",
            r.bundle());
      }
      out.printf(
          Locale.ROOT,
          "  then re-issue devices over time ('mqttls pki renew ID'), and finish with"
              + " 'mqttls pki ca retire-old'%n");
      out.flush();
      return 0;
    }
  }

  /** {@code mqttls pki ca retire-old}. */
  @Command(
      name = "retire-old",
      mixinStandardHelpOptions = true,
      description = {
        "End a rollover: ca.crt holds only the new root, and the old CA moves to retired/.",
        "Refuses while current certificates of the old CA remain, unless --force."
      })
  static final class RetireCommand extends PkiSubcommand {
    @Option(
        names = "--force",
        description = "Retire even though devices still hold certificates of the old CA.")
    boolean force;

    @Override
    int execute() throws Exception {
      Retirement r = pki.open().retirePrevious(force);
      var out = out();
      out.printf(
          Locale.ROOT,
          "Retired the old CA %s (moved to %s); %s now holds only the new root: reload brokers%n",
          r.retiredRoot().getSubjectX500Principal().getName(),
          r.archive(),
          r.ca().certificateFile());
      if (!r.stillUnderRetired().isEmpty()) {
        out.printf(
            Locale.ROOT,
            "  %d certificate(s) of the old CA can no longer connect: %s%n",
            r.stillUnderRetired().size(),
            String.join(", ", r.stillUnderRetired()));
      }
      out.flush();
      return 0;
    }
  }
}
