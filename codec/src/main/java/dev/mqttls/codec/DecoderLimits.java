package dev.mqttls.codec;

/**
 * Limits a {@link MqttDecoder} enforces before and while decoding.
 *
 * @param maxPacketSize the largest whole packet (fixed header included) accepted; anything larger
 *     is refused with {@link ReasonCode#PACKET_TOO_LARGE} as soon as its fixed header is read,
 *     before its body is buffered
 */
public record DecoderLimits(int maxPacketSize) {
  /** The largest packet MQTT can express: 1 + 4 + 268435455 bytes. */
  public static final int PROTOCOL_MAX_PACKET_SIZE = 268_435_460;

  /** No limit beyond the protocol's own. */
  public static final DecoderLimits DEFAULT = new DecoderLimits(PROTOCOL_MAX_PACKET_SIZE);

  /** Checks the limit is positive. */
  public DecoderLimits {
    if (maxPacketSize < 2) {
      throw new IllegalArgumentException("maxPacketSize must be at least 2, was " + maxPacketSize);
    }
  }

  /** Limits with the given maximum packet size (capped at the protocol maximum). */
  public static DecoderLimits ofMaxPacketSize(int maxPacketSize) {
    return new DecoderLimits(Math.min(maxPacketSize, PROTOCOL_MAX_PACKET_SIZE));
  }
}
