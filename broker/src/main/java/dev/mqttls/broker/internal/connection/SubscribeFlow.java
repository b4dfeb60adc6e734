package dev.mqttls.broker.internal.connection;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.internal.routing.ClientSubscription;
import dev.mqttls.broker.internal.routing.Topics;
import dev.mqttls.broker.internal.security.ClientAcl;
import dev.mqttls.broker.internal.session.Session;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.codec.Suback;
import dev.mqttls.codec.Subscribe;
import dev.mqttls.codec.Subscription;
import dev.mqttls.codec.TopicFilter;
import dev.mqttls.codec.Unsuback;
import dev.mqttls.codec.Unsubscribe;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUBSCRIBE (read access, the session's subscriptions, SUBACK, then the retained messages the
 * Retain Handling option asks for) and UNSUBSCRIBE.
 */
final class SubscribeFlow {
  private static final Logger SUBSCRIBE_LOG =
      LoggerFactory.getLogger("dev.mqttls.broker.subscribe");
  private static final Logger UNSUBSCRIBE_LOG =
      LoggerFactory.getLogger("dev.mqttls.broker.unsubscribe");
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");
  private static final Logger ACL_LOG = LoggerFactory.getLogger("dev.mqttls.broker.acl");

  private final ConnectionState c;

  SubscribeFlow(ConnectionState c) {
    this.c = c;
  }

  void onSubscribe(Subscribe sub) {
    Session session = c.session;
    List<Integer> ids = sub.properties().subscriptionIdentifiers();
    int subscriptionId = ids.isEmpty() ? 0 : ids.get(0);
    List<ReasonCode> codes = new ArrayList<>(sub.subscriptions().size());
    List<ClientSubscription> sendRetained = new ArrayList<>();
    ClientAcl acl = session.acl();
    boolean retainAvailable = c.broker.config().retainAvailable();
    boolean subscribed = false;
    BrokerConfig config = c.broker.config();
    int maxSubscriptions = config.maxSubscriptions();
    String refused = null;
    List<Change> changes = new ArrayList<>();
    for (Subscription s : sub.subscriptions()) {
      TopicFilter f = s.filter();
      String over = Topics.overLimit(f.value(), config.maxTopicLevels(), config.maxTopicBytes());
      if (over != null) {
        refused = refused == null ? "topic filter of " + over : refused;
        codes.add(ReasonCode.TOPIC_FILTER_INVALID);
        continue;
      }
      if (maxSubscriptions > 0
          && session.subscriptionCount() >= maxSubscriptions
          && !session.hasSubscription(f.value())) {
        refused = refused == null ? "more than max_subscriptions " + maxSubscriptions : refused;
        codes.add(ReasonCode.QUOTA_EXCEEDED);
        continue;
      }
      if (!acl.allowsAll() && !acl.canSubscribe(Topics.levels(f.filter()))) {
        ACL_LOG.debug(
            "Denied SUBSCRIBE from {} ({}) to {}: no read access (acl_file)",
            c.clientId,
            c.address,
            f.value());
        codes.add(ReasonCode.NOT_AUTHORIZED);
        continue;
      }
      ClientSubscription cs =
          new ClientSubscription(
              c.clientId,
              f.filter(),
              f.shareGroup(),
              s.maxQos().code(),
              s.noLocal(),
              s.retainAsPublished(),
              s.retainHandling(),
              subscriptionId);
      ClientSubscription previous = session.subscription(cs.fullFilter());
      boolean existed = session.subscribe(cs);
      subscribed = true;
      changes.add(new Change(codes.size(), cs, previous));
      codes.add(ReasonCode.granted(s.maxQos()));
      SUBSCRIBE_LOG.info("{} {} {}", c.clientId, s.maxQos().code(), f.value());
      if (f.shareGroup() == null
          && retainAvailable
          && (s.retainHandling() == 0 || (s.retainHandling() == 1 && !existed))) {
        sendRetained.add(cs);
      }
    }
    if (subscribed && !session.subscriptionsChanged()) {
      // The store could not keep them (it logged the episode): undo, so that memory and store
      // agree, and tell the client each one failed (0x80 in both versions).
      for (int i = changes.size() - 1; i >= 0; i--) {
        Change ch = changes.get(i);
        session.unsubscribe(ch.added().fullFilter());
        if (ch.previous() != null) {
          session.subscribe(ch.previous());
        }
        codes.set(ch.index(), ReasonCode.UNSPECIFIED_ERROR);
      }
      sendRetained.clear();
    }
    if (refused != null) {
      // One line per SUBSCRIBE however many filters it refuses; never the filter itself, which
      // may be 65,535 bytes.
      LOG.info(
          "Client {} from {}: refused {} of {} subscriptions: {}",
          c.clientId,
          c.address,
          codes.stream()
              .filter(r -> r == ReasonCode.TOPIC_FILTER_INVALID || r == ReasonCode.QUOTA_EXCEEDED)
              .count(),
          codes.size(),
          refused);
    }
    c.ctx.write(new Suback(sub.packetId(), codes, MqttProperties.EMPTY), c.ctx.voidPromise());
    for (ClientSubscription cs : sendRetained) {
      List<Integer> subIds = cs.subscriptionIds();
      c.broker
          .retained()
          .forEachMatching(
              cs.filter(),
              m -> {
                if (acl.allowsAll() || acl.canRead(Topics.levels(m.publish().topic()))) {
                  int qos = Math.min(m.publish().qos().code(), cs.qos());
                  session.deliver(m, qos, true, subIds);
                } else {
                  m.release();
                }
              });
    }
  }

  /** A subscription a SUBSCRIBE made, and the one it replaced (or null), to undo it. */
  private record Change(int index, ClientSubscription added, ClientSubscription previous) {}

  void onUnsubscribe(Unsubscribe u) {
    List<ReasonCode> codes = new ArrayList<>(u.filters().size());
    boolean unsubscribed = false;
    for (TopicFilter f : u.filters()) {
      boolean existed = c.session.unsubscribe(f.value());
      unsubscribed |= existed;
      codes.add(existed ? ReasonCode.SUCCESS : ReasonCode.NO_SUBSCRIPTION_EXISTED);
      UNSUBSCRIBE_LOG.info("{} {}", c.clientId, f.value());
    }
    if (unsubscribed) {
      c.session.subscriptionsChanged();
    }
    c.ctx.write(new Unsuback(u.packetId(), codes, MqttProperties.EMPTY), c.ctx.voidPromise());
  }
}
