package dev.mqttls.cli.broker;

import java.lang.reflect.Proxy;
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
      handle(
          "HUP",
          () -> {
            LOG.info(
                "SIGHUP: re-reading TLS certificates, keys and CRLs, and the password and ACL files");
            reload.run();
          });
      LOG.info(
          "mqttls broker running (pid {}); SIGHUP re-reads certificates, keys, CRLs, password and ACL files",
          ProcessHandle.current().pid());
    } catch (IllegalArgumentException
        | UnsupportedOperationException
        | ReflectiveOperationException e) {
      // No SIGHUP on this platform (Windows): file watching still applies.
      LOG.debug("SIGHUP reload not available: {}", e.toString());
    }
  }

  /**
   * sun.misc.Signal through reflection: the JDK has no public signal API, and a direct reference
   * draws an unsuppressible "internal proprietary API" warning that -Werror would turn into a
   * failed build.
   */
  private static void handle(String name, Runnable action) throws ReflectiveOperationException {
    Class<?> signal = Class.forName("sun.misc.Signal");
    Class<?> handler = Class.forName("sun.misc.SignalHandler");
    Object proxy =
        Proxy.newProxyInstance(
            handler.getClassLoader(),
            new Class<?>[] {handler},
            (self, method, args) -> {
              if (method.getName().equals("handle")) {
                action.run();
                return null;
              }
              return switch (method.getName()) {
                case "toString" -> "mqttls " + name + " handler";
                case "hashCode" -> System.identityHashCode(self);
                case "equals" -> self == args[0];
                default -> null;
              };
            });
    Object sig = signal.getConstructor(String.class).newInstance(name);
    signal.getMethod("handle", signal, handler).invoke(null, sig, proxy);
  }
}
