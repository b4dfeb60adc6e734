package dev.mqttls.codec;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Hand-picked packets of every type, for round trips. */
final class SamplePackets {
  private SamplePackets() {}

  /** A packet and whether a client sends it. */
  record Sample(String name, MqttPacket packet, boolean fromClient) {
    @Override
    public String toString() {
      return name;
    }
  }

  static MqttProperties richPublishProps() {
    return MqttProperties.builder()
        .payloadFormatIndicator(1)
        .messageExpiryInterval(3600L)
        .contentType("text/plain")
        .responseTopic("reply/to")
        .correlationData(new byte[] {1, 2, 3})
        .userProperty("k", "v")
        .userProperty("k", "v2")
        .build();
  }

  static List<Sample> all(MqttVersion v) {
    boolean v5 = v == MqttVersion.V5;
    List<Sample> s = new ArrayList<>();
    MqttProperties p5 =
        v5
            ? MqttProperties.builder().reasonString("why").userProperty("a", "b").build()
            : MqttProperties.EMPTY;
    s.add(new Sample("connect minimal", new Connect(v, "client-1", true, 60), true));
    MqttProperties willProps =
        v5
            ? MqttProperties.builder().willDelayInterval(30L).contentType("x/y").build()
            : MqttProperties.EMPTY;
    MqttProperties connectProps =
        v5
            ? MqttProperties.builder()
                .sessionExpiryInterval(0xFFFF_FFFFL)
                .receiveMaximum(10)
                .maximumPacketSize(65536L)
                .topicAliasMaximum(5)
                .requestProblemInformation(false)
                .requestResponseInformation(true)
                .authenticationMethod("SCRAM")
                .authenticationData(new byte[] {9, 9})
                .userProperty("who", "me")
                .build()
            : MqttProperties.EMPTY;
    s.add(
        new Sample(
            "connect full",
            new Connect(
                v,
                "dev-ü",
                false,
                65535,
                "user",
                "secret".getBytes(StandardCharsets.UTF_8),
                new Will(
                    TopicName.of("will/topic"),
                    new byte[] {0, 1, 2},
                    Qos.EXACTLY_ONCE,
                    true,
                    willProps),
                connectProps),
            true));
    s.add(new Sample("connect empty id", new Connect(v, "", true, 0), true));
    s.add(
        new Sample(
            "connack ok", new Connack(true, ReasonCode.SUCCESS, MqttProperties.EMPTY), false));
    s.add(
        new Sample(
            "connack refused",
            new Connack(false, ReasonCode.NOT_AUTHORIZED, MqttProperties.EMPTY),
            false));
    if (v5) {
      s.add(
          new Sample(
              "connack properties",
              new Connack(
                  false,
                  ReasonCode.SUCCESS,
                  MqttProperties.builder()
                      .assignedClientIdentifier("auto-1")
                      .serverKeepAlive(30)
                      .receiveMaximum(100)
                      .topicAliasMaximum(10)
                      .maximumQos(Qos.AT_LEAST_ONCE)
                      .retainAvailable(false)
                      .maximumPacketSize(1024L)
                      .wildcardSubscriptionAvailable(true)
                      .subscriptionIdentifierAvailable(true)
                      .sharedSubscriptionAvailable(false)
                      .responseInformation("resp")
                      .serverReference("other:1883")
                      .sessionExpiryInterval(10L)
                      .build()),
              false));
    }
    for (boolean fromClient : new boolean[] {true, false}) {
      String dir = fromClient ? " from client" : " from server";
      s.add(
          new Sample(
              "publish qos0" + dir,
              Publish.qos0("a/b", Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8)),
              fromClient));
      s.add(
          new Sample(
              "publish qos1 retained" + dir,
              new Publish(
                  true,
                  Qos.AT_LEAST_ONCE,
                  true,
                  "sensors/1/temp",
                  1,
                  v5 ? richPublishProps() : MqttProperties.EMPTY,
                  Unpooled.wrappedBuffer(new byte[1000])),
              fromClient));
      s.add(
          new Sample(
              "publish qos2 empty payload" + dir,
              new Publish(
                  false,
                  Qos.EXACTLY_ONCE,
                  false,
                  "x",
                  65535,
                  MqttProperties.EMPTY,
                  Unpooled.EMPTY_BUFFER),
              fromClient));
      if (v5) {
        MqttProperties alias =
            fromClient
                ? MqttProperties.builder().topicAlias(3).build()
                : MqttProperties.builder()
                    .topicAlias(3)
                    .subscriptionIdentifiers(List.of(1, 268_435_455))
                    .build();
        s.add(
            new Sample(
                "publish alias only" + dir,
                new Publish(
                    false,
                    Qos.AT_MOST_ONCE,
                    false,
                    "",
                    0,
                    alias,
                    Unpooled.wrappedBuffer(new byte[] {7})),
                fromClient));
      }
      s.add(new Sample("puback" + dir, new Puback(7), fromClient));
      s.add(new Sample("pubrec" + dir, new Pubrec(8), fromClient));
      s.add(new Sample("pubrel" + dir, new Pubrel(9), fromClient));
      s.add(new Sample("pubcomp" + dir, new Pubcomp(10), fromClient));
      if (v5) {
        s.add(
            new Sample(
                "puback no subscribers" + dir,
                new Puback(7, ReasonCode.NO_MATCHING_SUBSCRIBERS, MqttProperties.EMPTY),
                fromClient));
        s.add(
            new Sample(
                "pubrec error props" + dir,
                new Pubrec(8, ReasonCode.QUOTA_EXCEEDED, p5),
                fromClient));
        s.add(
            new Sample(
                "pubrel not found" + dir,
                new Pubrel(9, ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, p5),
                fromClient));
        s.add(
            new Sample(
                "pubcomp success props" + dir,
                new Pubcomp(10, ReasonCode.SUCCESS, p5),
                fromClient));
      }
    }
    List<Subscription> subs = new ArrayList<>();
    subs.add(new Subscription(TopicFilter.of("a/+/c"), Qos.AT_MOST_ONCE));
    subs.add(new Subscription(TopicFilter.of("#"), Qos.EXACTLY_ONCE));
    subs.add(new Subscription(TopicFilter.of("$share/g1/x/#"), Qos.AT_LEAST_ONCE));
    if (v5) {
      subs.add(new Subscription(TopicFilter.of("d/e"), Qos.AT_LEAST_ONCE, true, true, 2));
      subs.add(new Subscription(TopicFilter.of("f"), Qos.AT_MOST_ONCE, false, false, 1));
    }
    s.add(
        new Sample(
            "subscribe",
            new Subscribe(
                1,
                subs,
                v5
                    ? MqttProperties.builder()
                        .subscriptionIdentifier(77)
                        .userProperty("u", "p")
                        .build()
                    : MqttProperties.EMPTY),
            true));
    List<ReasonCode> granted =
        v5
            ? List.of(
                ReasonCode.GRANTED_QOS_0,
                ReasonCode.GRANTED_QOS_2,
                ReasonCode.GRANTED_QOS_1,
                ReasonCode.NOT_AUTHORIZED,
                ReasonCode.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED)
            : List.of(
                ReasonCode.GRANTED_QOS_0, ReasonCode.GRANTED_QOS_2, ReasonCode.UNSPECIFIED_ERROR);
    s.add(new Sample("suback", new Suback(1, granted, p5), false));
    s.add(
        new Sample(
            "unsubscribe",
            new Unsubscribe(
                2,
                List.of(TopicFilter.of("a/+/c"), TopicFilter.of("$share/g/#")),
                v5
                    ? MqttProperties.builder().userProperty("x", "y").build()
                    : MqttProperties.EMPTY),
            true));
    s.add(
        new Sample(
            "unsuback",
            new Unsuback(
                2,
                v5 ? List.of(ReasonCode.SUCCESS, ReasonCode.NO_SUBSCRIPTION_EXISTED) : List.of(),
                p5),
            false));
    s.add(new Sample("pingreq", Pingreq.INSTANCE, true));
    s.add(new Sample("pingresp", Pingresp.INSTANCE, false));
    s.add(new Sample("disconnect from client", new Disconnect(), true));
    if (v5) {
      s.add(
          new Sample(
              "disconnect with will",
              new Disconnect(
                  ReasonCode.DISCONNECT_WITH_WILL_MESSAGE,
                  MqttProperties.builder().sessionExpiryInterval(0L).build()),
              true));
      s.add(
          new Sample(
              "disconnect from server", new Disconnect(ReasonCode.SESSION_TAKEN_OVER, p5), false));
      s.add(
          new Sample(
              "disconnect server moved",
              new Disconnect(
                  ReasonCode.SERVER_MOVED,
                  MqttProperties.builder().serverReference("b:8883").build()),
              false));
      s.add(
          new Sample(
              "auth from client",
              new Auth(
                  ReasonCode.CONTINUE_AUTHENTICATION,
                  MqttProperties.builder()
                      .authenticationMethod("SCRAM")
                      .authenticationData(new byte[] {1})
                      .build()),
              true));
      s.add(
          new Sample(
              "auth from server",
              new Auth(
                  ReasonCode.SUCCESS,
                  MqttProperties.builder()
                      .authenticationMethod("SCRAM")
                      .reasonString("ok")
                      .build()),
              false));
      s.add(new Sample("auth empty", new Auth(), false));
    }
    return s;
  }
}
