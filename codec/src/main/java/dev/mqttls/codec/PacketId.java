package dev.mqttls.codec;

/** Helpers for packet identifiers, which are 1 to 65535 (0 is not allowed). */
public final class PacketId {
  /** The largest packet identifier. */
  public static final int MAX = 0xFFFF;

  private PacketId() {}

  /** Whether {@code id} is a valid packet identifier. */
  public static boolean isValid(int id) {
    return id >= 1 && id <= MAX;
  }

  /**
   * Returns {@code id} if it is valid.
   *
   * @throws IllegalArgumentException if it is not in 1..65535
   */
  public static int check(int id) {
    if (!isValid(id)) {
      throw new IllegalArgumentException("packet identifier must be in 1..65535, was " + id);
    }
    return id;
  }

  /** The identifier after {@code id}, wrapping from 65535 to 1. */
  public static int next(int id) {
    return id >= MAX ? 1 : id + 1;
  }
}
