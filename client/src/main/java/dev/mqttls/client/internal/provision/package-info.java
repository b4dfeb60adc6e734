/** Provisioning and renewal over MQTT on the device side: the key, the CSR and the exchange. */
package dev.mqttls.client.internal.provision;
