package dev.mqttls.cluster.internal.routing;

import dev.mqttls.broker.internal.routing.LocalRouter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A PUBLISH frame for a node that is to serve some share groups too: the share groups it was picked
 * for, then the PUBLISH frame of every node, unchanged. A plain PUBLISH frame serves no share group
 * on the receiving node (the sending node picked another node, or serves the group itself).
 *
 * <pre>
 *   SHARED : 16, count (2), count × (length (2), "$share/GROUP/FILTER" (UTF-8)), PUBLISH frame
 * </pre>
 *
 * <p>Kind 16 keeps clear of {@link dev.mqttls.cluster.internal.wire.Frame}'s small numbers.
 */
public final class SharedFrame {
  /** The frame kind. */
  public static final byte SHARED = 16;

  /** Serves no share group: for a plain PUBLISH frame. */
  static final LocalRouter.ShareGroups NONE = (group, filter) -> false;

  private SharedFrame() {}

  /** {@code publish} (a PUBLISH frame) for a node that serves {@code groups} too. */
  static byte[] wrap(List<String> groups, byte[] publish) {
    ByteBuf w = Unpooled.buffer(3 + publish.length + 32 * groups.size());
    w.writeByte(SHARED).writeShort(groups.size());
    for (String g : groups) {
      byte[] b = g.getBytes(StandardCharsets.UTF_8);
      w.writeShort(b.length).writeBytes(b);
    }
    w.writeBytes(publish);
    byte[] out = new byte[w.readableBytes()];
    w.readBytes(out);
    return out;
  }

  /** Where the PUBLISH frame inside the SHARED frame at {@code off} starts. */
  static int inner(byte[] b, int off) {
    ByteBuf r = Unpooled.wrappedBuffer(b);
    int count = r.getUnsignedShort(off + 1);
    int at = off + 3;
    for (int i = 0; i < count; i++) {
      at += 2 + r.getUnsignedShort(at);
    }
    return at;
  }

  /** The share groups of the SHARED frame at {@code off}. */
  static LocalRouter.ShareGroups groups(byte[] b, int off) {
    ByteBuf r = Unpooled.wrappedBuffer(b);
    int count = r.getUnsignedShort(off + 1);
    Set<String> groups = new HashSet<>(count * 2);
    int at = off + 3;
    for (int i = 0; i < count; i++) {
      int len = r.getUnsignedShort(at);
      groups.add(new String(b, at + 2, len, StandardCharsets.UTF_8));
      at += 2 + len;
    }
    return (group, filter) -> groups.contains("$share/" + group + "/" + filter);
  }
}
