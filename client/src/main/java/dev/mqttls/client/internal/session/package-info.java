/**
 * The client's MQTT session across connections, started or resumed by a CONNACK. Loop-confined:
 * everything here runs on the client's event loop.
 */
package dev.mqttls.client.internal.session;
