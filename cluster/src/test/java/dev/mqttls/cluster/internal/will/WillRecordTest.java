package dev.mqttls.cluster.internal.will;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.broker.internal.session.Wills;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.TopicName;
import dev.mqttls.codec.Will;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WillRecordTest {
  @Test
  void encoded_roundTrips_andTheMessageIsTheWillWithoutItsDelay() {
    Will w =
        new Will(
            TopicName.of("wills/dev-a"),
            "gone\n\u0000".getBytes(StandardCharsets.UTF_8),
            Qos.AT_LEAST_ONCE,
            true,
            MqttProperties.builder().willDelayInterval(5L).contentType("text/plain").build());
    Message m = Wills.message(w, "dev-a", 0);
    String value;
    try {
      value = WillRecord.of("node-3", "node-3/x.1", 5, m).encoded();
    } finally {
      m.release();
    }
    WillRecord r = WillRecord.decode(value);
    assertThat(r.node()).isEqualTo("node-3");
    assertThat(r.stamp()).isEqualTo("node-3/x.1");
    assertThat(r.delaySeconds()).isEqualTo(5);
    assertThat(r.clientId()).isEqualTo("dev-a");
    assertThat(r.toString()).doesNotContain("gone");
    Message back = r.message(0);
    try {
      assertThat(back.publish().topic()).isEqualTo("wills/dev-a");
      assertThat(back.publish().qos()).isEqualTo(Qos.AT_LEAST_ONCE);
      assertThat(back.publish().retainFlag()).isTrue();
      assertThat(back.publish().properties().willDelayInterval()).isNull();
      assertThat(back.publish().properties().contentType()).isEqualTo("text/plain");
      assertThat(back.publish().payload().toString(StandardCharsets.UTF_8))
          .isEqualTo("gone\n\u0000");
      assertThat(back.origin()).isEqualTo("dev-a");
    } finally {
      back.release();
    }
  }

  @Test
  void decode_refusesWhatIsNotARecord() {
    assertThatThrownBy(() -> WillRecord.decode("node-3\nonly"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
