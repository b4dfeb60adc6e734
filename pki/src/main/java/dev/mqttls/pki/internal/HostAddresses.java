package dev.mqttls.pki.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** This machine's names and addresses, for a server certificate's default SANs. */
public final class HostAddresses {
  private HostAddresses() {}

  /** The host name, when it is a valid DNS name. */
  public static Optional<String> hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && Names.isDnsName(env)) {
      return Optional.of(env);
    }
    try {
      String name = InetAddress.getLocalHost().getHostName();
      return Names.isDnsName(name) ? Optional.of(name) : Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /**
   * Addresses of interfaces that are up, without loopback and link-local ones (a link-local IPv6
   * address carries a scope that no certificate can name).
   */
  public static List<InetAddress> nonLoopbackAddresses() {
    Set<InetAddress> out = new LinkedHashSet<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp() || nif.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
          if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()) {
            continue;
          }
          if (a instanceof Inet6Address) {
            // Strip the scope id: a certificate holds the 16 bytes only.
            a = Names.parseIp(a.getHostAddress().replaceFirst("%.*$", ""));
          }
          out.add(a);
        }
      }
    } catch (SocketException e) {
      // No interface list: the loopback defaults still apply.
    }
    return new ArrayList<>(out);
  }
}
