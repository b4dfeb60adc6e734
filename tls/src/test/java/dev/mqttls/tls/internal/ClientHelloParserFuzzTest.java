package dev.mqttls.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mqttls.tls.internal.ClientHelloParser.Complete;
import dev.mqttls.tls.internal.ClientHelloParser.Malformed;
import dev.mqttls.tls.internal.ClientHelloParser.NeedMore;
import dev.mqttls.tls.internal.ClientHelloParser.Result;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Jazzer target for the ClientHello parser: whatever bytes a peer sends first, the parser answers
 * NeedMore, Complete or Malformed (with a reason), never throws and never moves the reader index; a
 * Complete hello's summary methods work. Seeds are ClientHellos captured from {@code openssl
 * s_client} (default, TLS 1.2 only, ALPN mqtt, no SNI, and one split across two records).
 */
class ClientHelloParserFuzzTest {

  @FuzzTest(maxDuration = "4m")
  void parse(byte[] input) {
    ByteBuf in = Unpooled.wrappedBuffer(input);
    ClientHelloParser.looksLikeTls(in);
    Result r = ClientHelloParser.parse(in);
    assertThat(in.readerIndex()).isZero();
    assertThat(r).isNotNull();
    if (r instanceof Complete c) {
      assertThat(c.hello()).isNotNull();
      c.hello().maxVersion();
      c.hello().versionsShort();
      ClientHello.versionName(c.hello().legacyVersion());
    } else if (r instanceof Malformed m) {
      assertThat(m.why()).isNotBlank();
    } else {
      assertThat(r).isInstanceOf(NeedMore.class);
    }
  }
}
