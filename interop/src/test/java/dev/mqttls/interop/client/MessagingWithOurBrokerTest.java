package dev.mqttls.interop.client;

import dev.mqttls.testing.EmbeddedBroker;

/** The messaging contract against our broker, embedded in the test's JVM. */
class MessagingWithOurBrokerTest extends MessagingContract {
  @Override
  int startBroker() {
    EmbeddedBroker b = new EmbeddedBroker().start();
    toClose.add(b);
    return b.port();
  }
}
