package dev.mqttls.pki;

/**
 * What {@link CertificateAuthority#renew} did.
 *
 * @param previous the renewed certificate, now history (revoked when asked to), with the paths it
 *     was filed under ({@code certs/history/...})
 * @param issued its successor, now the id's current certificate in {@code certs/ID.crt}
 * @param newKey whether the successor has a new key
 */
public record Renewal(IssuedCertificate previous, IssuedCertificate issued, boolean newKey) {}
