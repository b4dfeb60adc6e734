package dev.mqttls.codec;

/**
 * The MQTT protocol versions mqttls speaks, with the protocol name and level a CONNECT carries for
 * each.
 */
public enum MqttVersion {
  /** MQTT 3.1 (IBM's, protocol name {@code MQIsdp}, level 3). */
  V3_1("MQIsdp", 3),
  /** MQTT 3.1.1 (OASIS, protocol name {@code MQTT}, level 4). */
  V3_1_1("MQTT", 4),
  /** MQTT 5.0 (OASIS, protocol name {@code MQTT}, level 5). */
  V5("MQTT", 5);

  private final String protocolName;
  private final int protocolLevel;

  MqttVersion(String protocolName, int protocolLevel) {
    this.protocolName = protocolName;
    this.protocolLevel = protocolLevel;
  }

  /** The protocol name of the CONNECT variable header. */
  public String protocolName() {
    return protocolName;
  }

  /** The protocol level byte of the CONNECT variable header. */
  public int protocolLevel() {
    return protocolLevel;
  }

  /** Whether packets of this version carry properties and reason codes (MQTT 5). */
  public boolean isV5() {
    return this == V5;
  }

  /**
   * The version a CONNECT announces, or {@code null} when the name and level pair is not one we
   * know.
   */
  public static MqttVersion of(String protocolName, int protocolLevel) {
    for (MqttVersion v : values()) {
      if (v.protocolLevel == protocolLevel && v.protocolName.equals(protocolName)) {
        return v;
      }
    }
    return null;
  }
}
