package dev.mqttls.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * CONNECT: the first packet a client sends. The password is copied in and out and never printed.
 *
 * @param version the protocol version the client speaks
 * @param clientId the client identifier (may be empty: the server assigns one in MQTT 5)
 * @param cleanStart Clean Start (MQTT 5) or Clean Session (3.1.1)
 * @param keepAlive keep-alive interval in seconds, 0 to 65535 (0 switches keep-alive off)
 * @param username the user name, or {@code null}
 * @param password the password, or {@code null}
 * @param will the will message, or {@code null}
 * @param properties MQTT 5 CONNECT properties; {@link MqttProperties#EMPTY} for 3.1.1
 */
public record Connect(
    MqttVersion version,
    String clientId,
    boolean cleanStart,
    int keepAlive,
    String username,
    byte[] password,
    Will will,
    MqttProperties properties)
    implements MqttPacket {

  /**
   * Checks values and copies the password.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public Connect {
    Objects.requireNonNull(version, "version");
    new ClientId(clientId);
    if (keepAlive < 0 || keepAlive > 0xFFFF) {
      throw new IllegalArgumentException("keepAlive must be in 0..65535, was " + keepAlive);
    }
    if (username != null) {
      dev.mqttls.codec.internal.Utf8.requireValid(username, "user name");
    }
    if (password != null) {
      if (password.length > 0xFFFF) {
        throw new IllegalArgumentException("password is longer than 65535 bytes");
      }
      password = password.clone();
    }
    properties = properties == null ? MqttProperties.EMPTY : properties;
  }

  /** A CONNECT without credentials, will or properties. */
  public Connect(MqttVersion version, String clientId, boolean cleanStart, int keepAlive) {
    this(version, clientId, cleanStart, keepAlive, null, null, null, MqttProperties.EMPTY);
  }

  @Override
  public PacketType type() {
    return PacketType.CONNECT;
  }

  /** A copy of the password, or {@code null}. */
  @Override
  public byte[] password() {
    return password == null ? null : password.clone();
  }

  /** Whether a password is present. */
  public boolean hasPassword() {
    return password != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Connect c
        && version == c.version
        && clientId.equals(c.clientId)
        && cleanStart == c.cleanStart
        && keepAlive == c.keepAlive
        && Objects.equals(username, c.username)
        && Arrays.equals(password, c.password)
        && Objects.equals(will, c.will)
        && properties.equals(c.properties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        version,
        clientId,
        cleanStart,
        keepAlive,
        username,
        Arrays.hashCode(password),
        will,
        properties);
  }

  /** Never prints the password, only whether there is one. */
  @Override
  public String toString() {
    return "Connect[version="
        + version
        + ", clientId="
        + clientId
        + ", cleanStart="
        + cleanStart
        + ", keepAlive="
        + keepAlive
        + ", username="
        + username
        + ", password="
        + (password == null ? "none" : "<hidden>")
        + ", will="
        + will
        + ", properties="
        + properties
        + "]";
  }
}
