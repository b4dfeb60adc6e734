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
 * @param bridge MQTT 3.1/3.1.1: announce a bridge by setting the top bit of the protocol level
 *     (0x84), as mosquitto's {@code try_private} does, so a mosquitto broker neither echoes the
 *     bridge's own messages back to it nor drops their retain flag. Encoded only, never decoded:
 *     our broker refuses such a CONNECT as an unknown protocol level
 */
public record Connect(
    MqttVersion version,
    String clientId,
    boolean cleanStart,
    int keepAlive,
    String username,
    byte[] password,
    Will will,
    MqttProperties properties,
    boolean bridge)
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
    if (bridge && version == MqttVersion.V5) {
      throw new IllegalArgumentException("the bridge bit is MQTT 3.1/3.1.1's; MQTT 5 has No Local");
    }
  }

  /** A CONNECT of an ordinary client (not a bridge). */
  public Connect(
      MqttVersion version,
      String clientId,
      boolean cleanStart,
      int keepAlive,
      String username,
      byte[] password,
      Will will,
      MqttProperties properties) {
    this(version, clientId, cleanStart, keepAlive, username, password, will, properties, false);
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
        && properties.equals(c.properties)
        && bridge == c.bridge;
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
        properties,
        bridge);
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
        + (bridge ? ", bridge" : "")
        + "]";
  }
}
