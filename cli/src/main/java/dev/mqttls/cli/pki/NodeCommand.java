package dev.mqttls.cli.pki;

import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.IssuedCertificate;
import dev.mqttls.pki.ServerOptions;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mqttls pki node NAME}: a cluster node certificate (serverAuth and clientAuth). */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description = {
      "Issue a cluster node certificate: serverAuth and clientAuth, because each node presents",
      "it as TLS server and as TLS client to the other nodes. Use it as cluster_certfile and",
      "cluster_keyfile, with this CA's certificate as cluster_cafile.",
      "SANs as for 'pki server': without --dns/--ip, NAME, the host name, localhost, 127.0.0.1,",
      "::1 and this machine's addresses."
    })
final class NodeCommand extends PkiSubcommand {
  @Parameters(paramLabel = "NAME", description = "Node name: the CN and the file name.")
  String name;

  @Mixin SanOptions names;

  @Option(
      names = "--days",
      paramLabel = "N",
      description = "Validity in days (default: ${DEFAULT-VALUE}).")
  int days = ServerOptions.DEFAULT_DAYS;

  @Mixin KeyTypeOptions keyType;

  @Override
  int execute() throws Exception {
    CertificateAuthority ca = pki.open();
    IssuedCertificate issued =
        ca.issueNode(name, new ServerOptions(names.dns, names.ips, days, keyType.keyType()));
    var out = out();
    out.printf(
        Locale.ROOT,
        "Issued cluster node certificate %s (serverAuth and clientAuth, serial %s, valid until"
            + " %s)%n",
        name,
        issued.serialHex(),
        issued.notAfter());
    printNamesAndFiles(ca, issued, "cluster_");
    return 0;
  }
}
