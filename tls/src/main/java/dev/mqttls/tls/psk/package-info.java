/**
 * TLS-PSK identities and keys: Mosquitto's {@code psk_file} ({@code identity:hexkey} lines), read
 * whole and validated, and written by {@code mqttls psk}.
 */
package dev.mqttls.tls.psk;
