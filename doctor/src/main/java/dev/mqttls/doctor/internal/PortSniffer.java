package dev.mqttls.doctor.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * Tells from the first bytes what answers on a port: a TLS server (handshake or alert record), an
 * MQTT broker (CONNACK), or something else (shown as a short printable preview). This is what turns
 * OpenSSL's "wrong version number" into "this is a plain MQTT port".
 */
public final class PortSniffer {
  private PortSniffer() {}

  /** What spoke. */
  public enum Speaks {
    TLS,
    MQTT,
    OTHER,
    CLOSED,
    SILENT
  }

  /** The verdict and the first bytes seen. */
  public record Sniff(Speaks speaks, String preview) {}

  /** Sends a TLS 1.2 ClientHello on a connected socket and classifies the reply. */
  public static Sniff sniffTls(Socket s, String sniName, int timeoutMillis) throws IOException {
    s.setSoTimeout(timeoutMillis);
    s.getOutputStream().write(clientHello(sniName));
    s.getOutputStream().flush();
    return classify(s.getInputStream());
  }

  /** Sends an anonymous MQTT 3.1.1 CONNECT on a connected socket and classifies the reply. */
  public static Sniff sniffMqtt(Socket s, int timeoutMillis) throws IOException {
    s.setSoTimeout(timeoutMillis);
    String id = "mqttls-doctor-sniff-" + Integer.toHexString(new SecureRandom().nextInt());
    s.getOutputStream().write(MqttWire.connect(4, id, null, null));
    s.getOutputStream().flush();
    Sniff r = classify(s.getInputStream());
    if (r.speaks() == Speaks.MQTT) {
      s.getOutputStream().write(MqttWire.disconnect());
    }
    return r;
  }

  /** Opens a fresh connection for one sniff. */
  public static Socket connect(InetSocketAddress a, int timeoutMillis) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(a, timeoutMillis);
    return s;
  }

  private static Sniff classify(InputStream in) throws IOException {
    byte[] head = new byte[16];
    int n = 0;
    try {
      while (n < 2) {
        int r = in.read(head, n, head.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
    } catch (SocketTimeoutException e) {
      if (n == 0) {
        return new Sniff(Speaks.SILENT, "");
      }
    } catch (java.net.SocketException e) {
      // A reset right after our first bytes is how many TLS stacks answer plain MQTT and vice
      // versa.
      if (n == 0) {
        return new Sniff(Speaks.CLOSED, "");
      }
    }
    if (n == 0) {
      return new Sniff(Speaks.CLOSED, "");
    }
    int b0 = head[0] & 0xFF;
    if (n >= 2 && (b0 == 0x16 || b0 == 0x15) && head[1] == 0x03) {
      return new Sniff(Speaks.TLS, preview(head, n));
    }
    if (b0 == 0x20) {
      return new Sniff(Speaks.MQTT, preview(head, n));
    }
    return new Sniff(Speaks.OTHER, preview(head, n));
  }

  private static String preview(byte[] b, int n) {
    StringBuilder hex = new StringBuilder();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < n; i++) {
      hex.append(String.format(Locale.ROOT, "%02x", b[i] & 0xFF));
      char c = (char) (b[i] & 0xFF);
      text.append(c >= 0x20 && c < 0x7F ? c : '.');
    }
    return hex + " \"" + text + "\"";
  }

  /** A plain TLS 1.2 ClientHello with common suites; enough for any TLS server to answer. */
  static byte[] clientHello(String sniName) {
    ByteArrayOutputStream ext = new ByteArrayOutputStream();
    if (sniName != null) {
      byte[] name = sniName.getBytes(StandardCharsets.US_ASCII);
      u16(ext, 0x0000);
      u16(ext, name.length + 5);
      u16(ext, name.length + 3);
      ext.write(0);
      u16(ext, name.length);
      ext.writeBytes(name);
    }
    u16(ext, 0x000a); // supported_groups: x25519, secp256r1, secp384r1
    u16(ext, 8);
    u16(ext, 6);
    u16(ext, 0x001d);
    u16(ext, 0x0017);
    u16(ext, 0x0018);
    u16(ext, 0x000b); // ec_point_formats: uncompressed
    u16(ext, 2);
    ext.write(1);
    ext.write(0);
    int[] sigs = {0x0403, 0x0503, 0x0804, 0x0805, 0x0401, 0x0501, 0x0201};
    u16(ext, 0x000d);
    u16(ext, sigs.length * 2 + 2);
    u16(ext, sigs.length * 2);
    for (int s : sigs) {
      u16(ext, s);
    }
    int[] suites = {
      0xc02b, 0xc02c, 0xc02f, 0xc030, 0xcca8, 0xcca9, 0x009c, 0x009d, 0xc009, 0xc013, 0x002f, 0x0035
    };
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    u16(body, 0x0303);
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    body.writeBytes(random);
    body.write(0);
    u16(body, suites.length * 2);
    for (int s : suites) {
      u16(body, s);
    }
    body.write(1);
    body.write(0);
    u16(body, ext.size());
    body.writeBytes(ext.toByteArray());
    ByteArrayOutputStream hs = new ByteArrayOutputStream();
    hs.write(0x01);
    hs.write(body.size() >> 16);
    u16(hs, body.size() & 0xFFFF);
    hs.writeBytes(body.toByteArray());
    ByteArrayOutputStream rec = new ByteArrayOutputStream();
    rec.write(0x16);
    u16(rec, 0x0301);
    u16(rec, hs.size());
    rec.writeBytes(hs.toByteArray());
    return rec.toByteArray();
  }

  private static void u16(ByteArrayOutputStream o, int v) {
    o.write((v >> 8) & 0xFF);
    o.write(v & 0xFF);
  }
}
