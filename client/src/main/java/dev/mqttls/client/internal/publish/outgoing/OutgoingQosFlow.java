package dev.mqttls.client.internal.publish.outgoing;

import dev.mqttls.client.FailureKind;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.OfflineBuffer;
import dev.mqttls.client.PublishResult;
import dev.mqttls.client.internal.PacketConversions;
import dev.mqttls.client.internal.Packets;
import dev.mqttls.client.internal.ReasonTexts;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.PacketIdPool;
import dev.mqttls.codec.PacketTooLargeException;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Pubcomp;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Pubrec;
import dev.mqttls.codec.Pubrel;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The client's outgoing publishes (MQTT 5 section 4.3): a FIFO of those waiting, the in-flight QoS
 * 1 and 2 exchanges up to the send window (our maximum, lowered to the broker's Receive Maximum),
 * and while disconnected the offline buffer with its overflow policy. On a resumed session the
 * in-flight ones are sent again with DUP set (or their PUBREL); on a new session they go back to
 * the front of the queue with new packet identifiers.
 *
 * <p>Loop-confined: every method runs on the client's event loop.
 */
public final class OutgoingQosFlow {
  private final MqttVersion version;
  private final int maxInflight;
  private final OfflineBuffer buffer;
  private final PacketIdPool ids;
  private final Supplier<String> url;
  private final Runnable changed;
  private final AtomicLong completed = new AtomicLong();
  private final LinkedHashMap<Integer, OutgoingPublish> inflight = new LinkedHashMap<>();
  private final ArrayDeque<OutgoingPublish> pending = new ArrayDeque<>();
  private Channel channel;
  private int window;

  /**
   * A flow for one client.
   *
   * @param ids the session's packet identifiers, shared with SUBSCRIBE and UNSUBSCRIBE
   * @param url the broker connected to, for messages
   * @param changed called when the counts in {@link #inflightCount()} or {@link #bufferedCount()}
   *     may have changed
   */
  public OutgoingQosFlow(
      MqttVersion version,
      int maxInflight,
      OfflineBuffer buffer,
      PacketIdPool ids,
      Supplier<String> url,
      Runnable changed) {
    this.version = version;
    this.maxInflight = maxInflight;
    this.buffer = buffer;
    this.ids = ids;
    this.url = url;
    this.changed = changed;
  }

  /** Sends {@code op} when connected, else keeps it in the offline buffer or fails it. */
  public void publish(OutgoingPublish op) {
    if (channel != null) {
      pending.add(op);
      drain();
      return;
    }
    if (buffer.capacity() == 0) {
      op.future.completeExceptionally(
          new MqttClientException(
              FailureKind.CONNECTION_LOST, "cannot publish: not connected to " + url.get(), null));
      return;
    }
    if (pending.size() >= buffer.capacity() && !makeRoom(op)) {
      return;
    }
    pending.add(op);
    changed.run();
  }

  /** Applies the overflow policy; whether {@code op} may still be buffered. */
  private boolean makeRoom(OutgoingPublish op) {
    switch (buffer.overflow()) {
      case DROP_OLDEST:
        OutgoingPublish oldest = pending.poll();
        if (oldest != null) {
          oldest.future.completeExceptionally(
              new MqttClientException(
                  FailureKind.BUFFER_FULL,
                  "dropped from the full offline buffer ("
                      + buffer.capacity()
                      + " messages) to make room for a newer one",
                  null));
        }
        return true;
      case DROP_NEWEST:
        op.future.complete(
            new PublishResult(op.message.qos(), ReasonCode.SUCCESS, Optional.empty(), true));
        return false;
      default:
        op.future.completeExceptionally(
            new MqttClientException(
                FailureKind.BUFFER_FULL,
                "the offline buffer is full (" + buffer.capacity() + " messages)",
                null));
        return false;
    }
  }

  /**
   * A CONNACK accepted the connection on {@code ch}: the window is set, and what was in flight is
   * resent (session present) or queued again (new session). Call {@link #drain()} after.
   *
   * @param receiveMaximum the broker's Receive Maximum
   */
  public void connected(Channel ch, int receiveMaximum, boolean sessionPresent) {
    channel = ch;
    window = Math.min(maxInflight, receiveMaximum);
    if (sessionPresent) {
      // Resume: the broker still holds our in-flight state; resend it in order (MQTT 5 4.4).
      for (OutgoingPublish op : inflight.values()) {
        if (op.pubrecReceived) {
          Packets.send(ch, new Pubrel(op.packetId));
        } else {
          Packets.send(ch, PacketConversions.toPublish(op.message, op.packetId, true, version));
        }
      }
      return;
    }
    List<OutgoingPublish> resend = new ArrayList<>();
    for (OutgoingPublish op : inflight.values()) {
      ids.release(op.packetId);
      if (op.pubrecReceived) {
        // The broker took it (PUBREC) before forgetting the session: it was delivered once.
        complete(op, ReasonCode.SUCCESS, null);
      } else {
        op.packetId = 0;
        resend.add(op);
      }
    }
    inflight.clear();
    for (int i = resend.size() - 1; i >= 0; i--) {
      pending.addFirst(resend.get(i));
    }
  }

  /**
   * The connection ended. With {@code keep} the publishes wait for the next connection (offline
   * buffer or reconnect); without it they fail with {@code cause}.
   */
  public void disconnected(MqttClientException cause, boolean keep) {
    channel = null;
    if (!keep) {
      failAll(cause);
    }
    changed.run();
  }

  /** Sends what waits, as far as the window allows. */
  public void drain() {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    boolean wrote = false;
    while (!pending.isEmpty()) {
      OutgoingPublish op = pending.peek();
      if (op.message.qos() == Qos.AT_MOST_ONCE) {
        pending.poll();
        sendQos0(ch, op);
        wrote = true;
        continue;
      }
      if (inflight.size() >= window) {
        break;
      }
      pending.poll();
      op.packetId = ids.allocate();
      inflight.put(op.packetId, op);
      ch.write(PacketConversions.toPublish(op.message, op.packetId, false, version))
          .addListener(
              (ChannelFutureListener)
                  wf -> {
                    if (!wf.isSuccess() && inflight.get(op.packetId) == op) {
                      inflight.remove(op.packetId);
                      ids.release(op.packetId);
                      op.future.completeExceptionally(writeFailed(wf.cause()));
                    }
                  });
      wrote = true;
    }
    if (wrote) {
      ch.flush();
    }
    changed.run();
  }

  private void sendQos0(Channel ch, OutgoingPublish op) {
    Publish p = PacketConversions.toPublish(op.message, 0, false, version);
    ch.write(p)
        .addListener(
            (ChannelFutureListener)
                wf -> {
                  if (wf.isSuccess()) {
                    completed.incrementAndGet();
                    op.future.complete(
                        new PublishResult(
                            Qos.AT_MOST_ONCE, ReasonCode.SUCCESS, Optional.empty(), false));
                  } else {
                    op.future.completeExceptionally(writeFailed(wf.cause()));
                  }
                });
  }

  /** The broker acknowledged a QoS 1 publish. */
  public void puback(Puback a) {
    OutgoingPublish op = inflight.remove(a.packetId());
    if (op != null) {
      ids.release(a.packetId());
      complete(op, a.reasonCode(), a.properties());
      drain();
    }
  }

  /** The broker received a QoS 2 publish: release it (PUBREL), or end it if it was refused. */
  public void pubrec(Pubrec r) {
    OutgoingPublish op = inflight.get(r.packetId());
    if (op == null) {
      Packets.send(
          channel,
          new Pubrel(r.packetId(), ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, MqttProperties.EMPTY));
    } else if (r.reasonCode().isError()) {
      inflight.remove(r.packetId());
      ids.release(r.packetId());
      complete(op, r.reasonCode(), r.properties());
      drain();
    } else {
      op.pubrecReceived = true;
      Packets.send(channel, new Pubrel(r.packetId()));
    }
  }

  /** The broker completed a QoS 2 exchange. */
  public void pubcomp(Pubcomp c) {
    OutgoingPublish op = inflight.remove(c.packetId());
    if (op != null) {
      ids.release(c.packetId());
      complete(op, ReasonCode.SUCCESS, c.properties());
      drain();
    }
  }

  /** Fails every waiting and in-flight publish with {@code cause}. */
  public void failAll(MqttClientException cause) {
    for (OutgoingPublish op : inflight.values()) {
      ids.release(op.packetId);
      op.future.completeExceptionally(cause);
    }
    inflight.clear();
    OutgoingPublish op;
    while ((op = pending.poll()) != null) {
      op.future.completeExceptionally(cause);
    }
    changed.run();
  }

  /** QoS 1 and 2 publishes sent and not yet acknowledged. */
  public int inflightCount() {
    return inflight.size();
  }

  /** Publishes waiting for the connection or a window slot. */
  public int waitingCount() {
    return pending.size();
  }

  /** Publishes done since the client was created (thread-safe). */
  public long completedCount() {
    return completed.get();
  }

  private MqttClientException writeFailed(Throwable t) {
    if (t instanceof MqttClientException m) {
      return m;
    }
    if (t instanceof PacketTooLargeException) {
      return new MqttClientException(FailureKind.PROTOCOL, t.getMessage(), t);
    }
    return new MqttClientException(
        FailureKind.CONNECTION_LOST,
        "the connection to " + url.get() + " closed before sending",
        t);
  }

  private void complete(OutgoingPublish op, ReasonCode rc, MqttProperties props) {
    String reason = props == null ? null : props.reasonString();
    if (rc.isError()) {
      op.future.completeExceptionally(
          new MqttClientException(
              FailureKind.PROTOCOL,
              "the broker refused the publish to "
                  + op.message.topic()
                  + ": "
                  + ReasonTexts.name(rc)
                  + (reason != null ? " (" + reason + ")" : ""),
              rc,
              reason,
              null));
    } else {
      completed.incrementAndGet();
      op.future.complete(
          new PublishResult(op.message.qos(), rc, Optional.ofNullable(reason), false));
    }
  }
}
