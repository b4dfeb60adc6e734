package dev.mqttls.bridge;

import dev.mqttls.client.ServerAddress;
import dev.mqttls.client.TlsConfig;
import dev.mqttls.codec.MqttVersion;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One bridge as its {@code connection} block configures it, defaults applied as mosquitto applies
 * them. Read by {@link BridgeConfigs#parse}.
 *
 * @param name the {@code connection} name
 * @param where {@code FILE:LINE} of the {@code connection} line, for messages
 * @param addresses the remote brokers, the first preferred ({@code address}, {@code addresses})
 * @param topics the {@code topic} lines, in order (the first that matches a message maps it)
 * @param tls the TLS settings, present when {@code bridge_cafile} or {@code bridge_capath} is set
 * @param version {@code bridge_protocol_version}
 * @param remoteClientId {@code remote_clientid}, default {@code HOSTNAME.NAME} as mosquitto
 * @param remoteUsername {@code remote_username}
 * @param remotePassword {@code remote_password} (never printed)
 * @param cleanSession {@code cleansession} of the remote connection
 * @param localCleanSession {@code local_cleansession}, default {@code cleansession}
 * @param keepAliveSeconds {@code keepalive_interval}
 * @param restartBase {@code restart_timeout}: the first delay (or the constant one)
 * @param restartCap {@code restart_timeout}: the longest delay; equal to the base for a constant
 * @param tryPrivate {@code try_private}
 * @param notifications {@code notifications}
 * @param notificationsLocalOnly {@code notifications_local_only}
 * @param notificationTopic {@code notification_topic}, default {@code
 *     $SYS/broker/connection/REMOTE_CLIENTID/state}
 * @param startType {@code start_type}
 * @param localClientId {@code local_clientid}, default {@code local.REMOTE_CLIENTID}
 * @param localUsername {@code local_username}: the local side is judged by the ACL as this user;
 *     empty means the broker itself
 * @param maxPacketSize {@code bridge_max_packet_size}; 0 means no limit of ours
 * @param outgoingRetain {@code bridge_outgoing_retain}
 * @param attemptUnsubscribe {@code bridge_attempt_unsubscribe}
 * @param bindAddress {@code bridge_bind_address}
 */
public record BridgeConfig(
    String name,
    String where,
    List<ServerAddress> addresses,
    List<BridgeTopic> topics,
    Optional<TlsConfig> tls,
    MqttVersion version,
    String remoteClientId,
    Optional<String> remoteUsername,
    Optional<byte[]> remotePassword,
    boolean cleanSession,
    boolean localCleanSession,
    int keepAliveSeconds,
    Duration restartBase,
    Duration restartCap,
    boolean tryPrivate,
    boolean notifications,
    boolean notificationsLocalOnly,
    String notificationTopic,
    StartType startType,
    String localClientId,
    Optional<String> localUsername,
    long maxPacketSize,
    boolean outgoingRetain,
    boolean attemptUnsubscribe,
    Optional<InetAddress> bindAddress) {

  /** When a bridge connects ({@code start_type}). */
  public enum StartType {
    /** At start-up, and again after every failure ({@code restart_timeout}). */
    AUTOMATIC,
    /** At start-up only; not again after a failure. */
    ONCE
  }

  /** Copies the lists and the password; checks that nothing is missing. */
  public BridgeConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(where, "where");
    addresses = List.copyOf(addresses);
    topics = List.copyOf(topics);
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("a bridge needs at least one address");
    }
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(remoteClientId, "remoteClientId");
    Objects.requireNonNull(remoteUsername, "remoteUsername");
    remotePassword = remotePassword.map(byte[]::clone);
    Objects.requireNonNull(restartBase, "restartBase");
    Objects.requireNonNull(restartCap, "restartCap");
    Objects.requireNonNull(notificationTopic, "notificationTopic");
    Objects.requireNonNull(startType, "startType");
    Objects.requireNonNull(localClientId, "localClientId");
    Objects.requireNonNull(localUsername, "localUsername");
    Objects.requireNonNull(bindAddress, "bindAddress");
  }

  /** A copy of the remote password, if set. */
  @Override
  public Optional<byte[]> remotePassword() {
    return remotePassword.map(byte[]::clone);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BridgeConfig b
        && b.name.equals(name)
        && b.where.equals(where)
        && b.toString().equals(toString())
        && Arrays.equals(b.remotePassword.orElse(new byte[0]), remotePassword.orElse(new byte[0]));
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, where, addresses, topics);
  }

  /** The bridge's settings, the password shown only as set or not. */
  @Override
  public String toString() {
    return "bridge "
        + name
        + " ("
        + where
        + ") to "
        + addresses
        + (tls.isPresent() ? " over TLS" : "")
        + ", "
        + version
        + ", remote id "
        + remoteClientId
        + remoteUsername.map(u -> ", remote user " + u).orElse("")
        + (remotePassword.isPresent() ? ", remote password set" : "")
        + ", local id "
        + localClientId
        + ", topics "
        + topics;
  }
}
