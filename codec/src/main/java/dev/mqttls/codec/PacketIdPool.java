package dev.mqttls.codec;

import java.util.BitSet;

/**
 * The packet identifiers one side of a session has in use for its own QoS 1/2 publishes, SUBSCRIBEs
 * and UNSUBSCRIBEs: an identifier is taken when the packet is first sent and given back when its
 * exchange ends (MQTT 5 section 2.2.1; 3.1.1 section 2.3.1). Client and broker both use it.
 *
 * <p>Identifiers are handed out round robin from 1 to 65535, skipping those in use, so that a freed
 * identifier is not reused at once: a late acknowledgement of the old exchange then cannot be
 * mistaken for one of the new. Not thread-safe: a pool belongs to one session, on its event loop.
 */
public final class PacketIdPool {
  /** Bit {@code id} is set while {@code id} is in use; bit 0 is never used. */
  private final BitSet inUse = new BitSet(PacketId.MAX + 1);

  private int next = 1;
  private int count;

  /** An empty pool: every identifier 1..65535 is free. */
  public PacketIdPool() {}

  /**
   * Takes the next free identifier.
   *
   * @throws IllegalStateException if all 65535 identifiers are in use
   */
  public int allocate() {
    int id = inUse.nextClearBit(next);
    if (id > PacketId.MAX) {
      id = inUse.nextClearBit(1);
      if (id > PacketId.MAX) {
        throw new IllegalStateException("all 65535 packet identifiers are in use");
      }
    }
    take(id);
    next = PacketId.next(id);
    return id;
  }

  /**
   * Marks {@code id} as in use, for an exchange restored from a stored session; allocation goes on
   * after it. Taking an identifier already in use changes nothing.
   *
   * @throws IllegalArgumentException if {@code id} is not in 1..65535
   */
  public void reserve(int id) {
    PacketId.check(id);
    if (!inUse.get(id)) {
      take(id);
    }
    next = PacketId.next(id);
  }

  /**
   * Gives {@code id} back when its exchange has ended. Releasing a free identifier (a duplicate
   * acknowledgement) changes nothing.
   *
   * @return whether {@code id} was in use
   */
  public boolean release(int id) {
    if (!PacketId.isValid(id) || !inUse.get(id)) {
      return false;
    }
    inUse.clear(id);
    count--;
    return true;
  }

  /** Whether {@code id} is in use. */
  public boolean isInUse(int id) {
    return PacketId.isValid(id) && inUse.get(id);
  }

  /** How many identifiers are in use. */
  public int inUse() {
    return count;
  }

  /** Frees every identifier (a session that starts anew); allocation restarts at 1. */
  public void clear() {
    inUse.clear();
    count = 0;
    next = 1;
  }

  private void take(int id) {
    inUse.set(id);
    count++;
  }

  @Override
  public String toString() {
    return "PacketIdPool[" + count + " in use, next " + next + "]";
  }
}
