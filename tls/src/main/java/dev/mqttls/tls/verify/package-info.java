/**
 * The one certificate chain verifier of mqttls and its documented error set: {@link
 * dev.mqttls.tls.verify.ChainVerifier} builds and checks a path (a fast path for ordinary chains
 * that may only ever be stricter than the JDK's PKIX, PKIX for the rest, the trust anchor's own
 * dates and path length, the leaf's usage), {@link dev.mqttls.tls.verify.HostNames} checks the host
 * name, and every refusal names a {@link dev.mqttls.tls.verify.CertificateError}, which the broker,
 * the client and the doctor each map from in one place.
 */
package dev.mqttls.tls.verify;
