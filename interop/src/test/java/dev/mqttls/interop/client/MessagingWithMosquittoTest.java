package dev.mqttls.interop.client;

import dev.mqttls.testing.MosquittoProcess;

/** The messaging contract against Debian's Mosquitto. */
class MessagingWithMosquittoTest extends MessagingContract {
  @Override
  int startBroker() {
    MosquittoProcess m = MosquittoProcess.start();
    toClose.add(m);
    return m.port();
  }
}
