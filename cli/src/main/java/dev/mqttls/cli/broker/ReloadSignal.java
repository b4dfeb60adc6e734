package dev.mqttls.cli.broker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP re-reads the TLS material and the password and ACL files, as Mosquitto does. TLS files are
 * also watched; the signal is how password and ACL changes take effect, and the fallback where file
 * watching is unreliable (NFS, some container mounts).
 */
final class ReloadSignal {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  private ReloadSignal() {}

  static void install(Runnable reload) {
    try {
      sun.misc.Signal.handle(
          new sun.misc.Signal("HUP"),
          signal -> {
            LOG.info(
                "SIGHUP: re-reading TLS certificates, keys and CRLs, and the password and ACL files");
            reload.run();
          });
      LOG.info(
          "mqttls broker running (pid {}); SIGHUP re-reads certificates, keys, CRLs, password and ACL files",
          ProcessHandle.current().pid());
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      // No SIGHUP on this platform (Windows): file watching still applies.
      LOG.debug("SIGHUP reload not available: {}", e.toString());
    }
  }
}
