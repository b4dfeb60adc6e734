/**
 * MQTT over WebSockets ({@code protocol websockets}): Netty's HTTP and WebSocket codecs put in
 * front of the MQTT codec, binary frames turned into the byte stream the decoder reads (a packet
 * may span frames, a frame may hold several packets), and mosquitto's {@code http_dir} static
 * files.
 */
package dev.mqttls.broker.internal.websocket;
