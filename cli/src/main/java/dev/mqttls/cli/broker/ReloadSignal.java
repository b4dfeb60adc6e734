package dev.mqttls.cli.broker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP re-reads the TLS material, as it does for Mosquitto. File watching covers most changes;
 * the signal is for operators and for file systems where watching is unreliable (NFS, some
 * container mounts).
 */
final class ReloadSignal {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  private ReloadSignal() {}

  static void install(Runnable reload) {
    try {
      sun.misc.Signal.handle(
          new sun.misc.Signal("HUP"),
          signal -> {
            LOG.info("SIGHUP: re-reading TLS certificates, keys and CRLs");
            reload.run();
          });
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      // No SIGHUP on this platform (Windows): file watching still applies.
      LOG.debug("SIGHUP reload not available: {}", e.toString());
    }
  }
}
