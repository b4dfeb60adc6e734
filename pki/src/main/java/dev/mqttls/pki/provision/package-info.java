/**
 * Fleet provisioning policy and issuance, without any transport: whether a device id may get a
 * certificate from a CSR (id pattern, allow-list, one-time tokens, key types, validity), issuing it
 * through a {@link dev.mqttls.pki.CertificateAuthority} so that it is in {@code index.txt}, and
 * renewing a current certificate from a new CSR. The MQTT side (topics, payloads, rate limit) is
 * the {@code provision} module's; docs/provisioning.md describes both.
 */
package dev.mqttls.pki.provision;
