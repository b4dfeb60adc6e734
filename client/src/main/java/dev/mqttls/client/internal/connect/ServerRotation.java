package dev.mqttls.client.internal.connect;

import dev.mqttls.client.ServerAddress;
import java.util.List;

/**
 * Which of the configured brokers to try: in order from the first on connect, until each has been
 * tried once; round robin on reconnect, starting after the one last used.
 */
final class ServerRotation {
  private final List<ServerAddress> servers;
  private int current;
  private int triedThisRound;

  ServerRotation(List<ServerAddress> servers) {
    this.servers = List.copyOf(servers);
  }

  /** Starts a connect at the first server. */
  void startConnect() {
    current = 0;
    triedThisRound = 1;
  }

  /** Moves to the next server not yet tried in this connect; false when all were tried. */
  boolean nextUntried() {
    if (triedThisRound >= servers.size()) {
      return false;
    }
    current = (current + 1) % servers.size();
    triedThisRound++;
    return true;
  }

  /** Moves to the next server for a reconnect attempt. */
  void advance() {
    current = (current + 1) % servers.size();
  }

  ServerAddress current() {
    return servers.get(current);
  }

  int size() {
    return servers.size();
  }
}
