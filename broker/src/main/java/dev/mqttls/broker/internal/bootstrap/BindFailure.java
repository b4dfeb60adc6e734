package dev.mqttls.broker.internal.bootstrap;

import io.netty.channel.unix.Errors;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * Why a listen socket could not be opened, in words an operator acts on: the common causes (port in
 * use, a privileged port, an address this machine does not have) named with what to do, without
 * Java or native call names.
 */
public final class BindFailure {
  // Linux errno values; the epoll transport reports them, the NIO one only the OS's text
  private static final int EACCES = 13;
  private static final int EADDRINUSE = 98;
  private static final int EADDRNOTAVAIL = 99;

  private BindFailure() {}

  /** {@code cannot listen on HOST:PORT: cause (what to do)}. */
  static String describe(InetSocketAddress address, Throwable failure) {
    return describe(address, failure, "listener");
  }

  /** As for an MQTT listener, naming {@code directive} as where to choose another port. */
  public static String describe(InetSocketAddress address, Throwable failure, String directive) {
    String where = address.getAddress().getHostAddress() + ":" + address.getPort();
    return "cannot listen on " + where + ": " + cause(address.getPort(), failure, directive);
  }

  private static String cause(int port, Throwable failure, String directive) {
    int errno = errno(failure);
    if (errno == EADDRINUSE) {
      return "the port is in use by another process"
          + " (is another broker running? choose another port with "
          + directive
          + ")";
    }
    if (errno == EACCES) {
      return port < 1024
          ? "permission denied: ports below 1024 need root or the CAP_NET_BIND_SERVICE"
              + " capability (choose a port of 1024 or more with "
              + directive
              + ", or grant it)"
          : "permission denied by the system (a security policy forbids this port)";
    }
    if (errno == EADDRNOTAVAIL) {
      return "this machine has no such address"
          + " (give one of its own addresses in "
          + directive
          + ", or none for all)";
    }
    return words(failure);
  }

  /** The errno of the failure: the epoll transport's, or the OS's text the JDK passes on. */
  private static int errno(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof Errors.NativeIoException n) {
        return Math.abs(n.expectedErr());
      }
      if (t instanceof BindException && t.getMessage() != null) {
        // the JDK raises BindException for these three with strerror's text and no code
        String m = t.getMessage().toLowerCase(Locale.ROOT);
        if (m.contains("already in use")) {
          return EADDRINUSE;
        }
        if (m.contains("permission denied")) {
          return EACCES;
        }
        if (m.contains("cannot assign requested address")) {
          return EADDRNOTAVAIL;
        }
      }
    }
    return 0;
  }

  private static String words(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null && t.getCause() != t && t.getMessage() == null) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? "unknown cause" : t.getMessage();
    // netty's native transport prefixes the system call: "bind(..) failed: "
    return m.replaceFirst("^[a-z_]+\\(\\.\\.\\) failed:\\s*", "");
  }
}
