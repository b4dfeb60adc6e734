/**
 * Fleet provisioning and renewal over MQTT, beside the broker: {@link
 * dev.mqttls.provision.ProvisioningService} answers the CSRs devices publish to {@code
 * $mqttls/provision/csr} and {@code $mqttls/renew/csr/ID} with certificates from the CA, by the
 * {@code provision_*} directives of the broker's configuration ({@link
 * dev.mqttls.provision.ProvisioningConfig}). It talks to the broker through its in-process endpoint
 * as the broker itself; the broker's own rules keep claim identities to asking for a certificate.
 * Topics, payloads and refusal codes: docs/provisioning.md.
 */
package dev.mqttls.provision;
