package dev.mqttls.client;

/** Where a client's connection stands. */
public enum ConnectionState {
  /** Not connected and not trying to be. */
  DISCONNECTED,
  /** The first connect is in progress: TCP, TLS, then CONNECT and CONNACK. */
  CONNECTING,
  /** CONNACK accepted the connection. */
  CONNECTED,
  /** The connection was lost and the client waits to try again (automatic reconnect on). */
  RECONNECTING,
  /** {@link MqttClient#close()} was called; the client is not usable any more. */
  CLOSED
}
