package dev.mqttls.doctor.internal;

import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.FindingCode;
import dev.mqttls.doctor.Status;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Step 7: CONNECT, the CONNACK in words, and a subscribe/publish round trip on the test topic. */
final class MqttSteps {
  private static final Logger LOG = LoggerFactory.getLogger(MqttSteps.class);

  private final ProbeContext ctx;

  MqttSteps(ProbeContext ctx) {
    this.ctx = ctx;
  }

  void mqttSteps(InputStream in, OutputStream out, TlsConnection tls) {
    int level = ctx.o.mqttVersion().level();
    char[] pw = ctx.o.password().orElse(null);
    MqttWire.Packet connack;
    try {
      byte[] connect = MqttWire.connect(level, ctx.o.clientId(), ctx.o.username().orElse(null), pw);
      try {
        out.write(connect);
        out.flush();
      } catch (IOException e) {
        if (tls == null) {
          throw e;
        }
        // The server may have sent its verdict on our certificate and closed before our CONNECT
        // went out; that alert is still waiting to be read.
        LOG.debug("CONNECT write failed; reading the server's last words", e);
      } finally {
        java.util.Arrays.fill(connect, (byte) 0);
      }
      connack = MqttWire.read(in);
    } catch (TlsFatalAlertReceived e) {
      // TLS 1.3: the server judges our certificate after the client's Finished, so its verdict
      // arrives as an alert on the first read.
      ctx.findings.add(
          Alerts.forAlert(
              e.getAlertDescription(),
              tls != null && tls.observed().certificateRequested,
              tls != null && tls.observed().clientCertSent,
              ctx.clientSubject()));
      ctx.findings.add(
          Finding.info(
              FindingCode.MQTT_SKIPPED,
              "MQTT did not get further: the server closed the TLS session after judging the client certificate."));
      return;
    } catch (EOFException e) {
      if (tls != null && tls.observed().certificateRequested && !tls.observed().clientCertSent) {
        ctx.findings.add(
            Alerts.requiredNoneSent(org.bouncycastle.tls.AlertDescription.certificate_required));
      } else {
        ctx.findings.add(
            Finding.fail(
                FindingCode.MQTT_NO_CONNACK,
                "The broker closed the connection after CONNECT without a CONNACK.",
                "Check the broker's log: it may not speak MQTT "
                    + (level == 5 ? "5" : "3.1.1")
                    + " or may refuse this client's address."));
      }
      return;
    } catch (IOException e) {
      ctx.findings.add(
          Finding.fail(
              FindingCode.MQTT_NO_CONNACK,
              "No CONNACK: " + ProbeRunner.describe(e) + ".",
              "Check the broker's log at the time of this probe."));
      return;
    } finally {
      if (pw != null) {
        java.util.Arrays.fill(pw, '\0');
      }
    }
    if (tls != null && tls.observed().clientCertSent) {
      ctx.clientCertAccepted = true;
      ctx.findings.add(
          Finding.pass(
              FindingCode.CLIENT_CERT_ACCEPTED,
              "The server accepted our client certificate " + ctx.clientSubject() + "."));
    }
    if (connack.type() != 2) {
      ctx.findings.add(
          Finding.fail(
              FindingCode.MQTT_NO_CONNACK,
              "The broker answered CONNECT with packet type "
                  + connack.type()
                  + " instead of CONNACK.",
              "Check that this port serves MQTT."));
      return;
    }
    int rc = MqttWire.connackCode(connack);
    Finding f =
        ConnackMeaning.finding(
            level,
            rc,
            ctx.o.username().isPresent(),
            ctx.o.password().isPresent(),
            ctx.o.clientId());
    ctx.findings.add(f);
    if (f.status() != Status.PASS) {
      return;
    }
    roundTrip(in, out, level, tls);
  }

  private void roundTrip(InputStream in, OutputStream out, int level, TlsConnection tls) {
    String topic = ctx.o.topic();
    byte[] payload =
        ("mqttls doctor " + Long.toHexString(System.nanoTime())).getBytes(StandardCharsets.UTF_8);
    try {
      out.write(MqttWire.subscribe(level, 1, topic));
      out.flush();
      MqttWire.Packet suback = awaitType(in, 9, 1);
      int code = suback == null ? -1 : MqttWire.subackCode(level, suback);
      if (suback == null) {
        ctx.findings.add(
            Finding.fail(
                FindingCode.MQTT_SUBSCRIBE_DENIED,
                "No SUBACK for the test topic " + topic + ".",
                "Check the broker's log."));
        return;
      }
      if (code >= 0x80) {
        ctx.findings.add(
            Finding.fail(
                FindingCode.MQTT_SUBSCRIBE_DENIED,
                "The broker refused the subscription to the test topic "
                    + topic
                    + " (SUBACK 0x"
                    + Integer.toHexString(code)
                    + (code == 0x87 ? ", not authorized" : "")
                    + "): an ACL denies it.",
                "Allow this client to read "
                    + topic
                    + " in the broker's ACL, or pass --topic with a topic it may use."));
        return;
      }
      long beforeOut = tls == null ? 0 : tls.bytesOut();
      byte[] pub = MqttWire.publish(level, 2, topic, payload);
      out.write(pub);
      out.flush();
      long recordBytes = tls == null ? 0 : tls.bytesOut() - beforeOut;
      boolean acked = false;
      int pubackCode = 0;
      boolean received = false;
      long deadline = System.nanoTime() + ctx.o.timeout().toNanos();
      for (int i = 0; i < 50 && !(acked && received) && System.nanoTime() < deadline; i++) {
        MqttWire.Packet p;
        try {
          p = MqttWire.read(in);
        } catch (SocketTimeoutException e) {
          break;
        }
        if (p.type() == 4 && MqttWire.packetId(p) == 2) {
          acked = true;
          pubackCode = MqttWire.pubackCode(p);
          if (pubackCode >= 0x80) {
            break;
          }
        } else if (p.type() == 3) {
          MqttWire.Publish m = MqttWire.parsePublish(level, p);
          if (m.qos() > 0) {
            out.write(MqttWire.puback(m.packetId()));
            out.flush();
          }
          if (m.topic().equals(topic) && java.util.Arrays.equals(m.payload(), payload)) {
            received = true;
          }
        }
      }
      if (acked && pubackCode >= 0x80) {
        ctx.findings.add(
            Finding.fail(
                FindingCode.MQTT_PUBLISH_DENIED,
                "The broker refused the publish to "
                    + topic
                    + " (PUBACK reason 0x"
                    + Integer.toHexString(pubackCode)
                    + (pubackCode == 0x87 ? ", not authorized" : "")
                    + ").",
                "Allow this client to write " + topic + " in the broker's ACL, or pass --topic."));
      } else if (!received) {
        ctx.findings.add(
            Finding.fail(
                FindingCode.MQTT_MESSAGE_LOST,
                "The test message published to "
                    + topic
                    + (acked ? " was acknowledged but" : "")
                    + " did not come back within "
                    + ctx.timeout
                    + " ms: the broker drops it silently (with MQTT 3.1.1 an ACL denial looks like this).",
                "Allow this client to read and write "
                    + topic
                    + " in the broker's ACL, or pass --topic with a topic it may use."));
      } else {
        ctx.findings.add(
            Finding.pass(
                FindingCode.MQTT_ROUND_TRIP,
                "Subscribed to " + topic + ", published at QoS 1, and received the message back."));
        if (tls != null) {
          ctx.publishCost =
              "A "
                  + pub.length
                  + "-byte PUBLISH took "
                  + recordBytes
                  + " bytes on the wire as TLS ("
                  + (recordBytes - pub.length)
                  + " bytes of record overhead).";
        }
      }
      out.write(MqttWire.disconnect());
      out.flush();
    } catch (TlsFatalAlertReceived e) {
      ctx.findings.add(
          Finding.fail(
              FindingCode.TLS_HANDSHAKE_FAILED,
              "The server ended the TLS session with the alert "
                  + Alerts.name(e.getAlertDescription())
                  + ".",
              "Check the broker's log."));
    } catch (IOException e) {
      ctx.findings.add(
          Finding.fail(
              FindingCode.MQTT_MESSAGE_LOST,
              "The round trip on " + topic + " failed: " + ProbeRunner.describe(e) + ".",
              "Check the broker's log: it may have closed the connection on an ACL denial."));
    }
  }

  private MqttWire.Packet awaitType(InputStream in, int type, int packetId) throws IOException {
    long deadline = System.nanoTime() + ctx.o.timeout().toNanos();
    for (int i = 0; i < 50 && System.nanoTime() < deadline; i++) {
      MqttWire.Packet p = MqttWire.read(in);
      if (p.type() == type && MqttWire.packetId(p) == packetId) {
        return p;
      }
    }
    return null;
  }
}
