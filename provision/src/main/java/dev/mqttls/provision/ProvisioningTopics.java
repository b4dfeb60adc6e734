package dev.mqttls.provision;

/** The provisioning topics (docs/provisioning.md); ID is the device id. */
public final class ProvisioningTopics {
  /** Where a device holding a claim identity publishes its request. */
  public static final String PROVISION_CSR = "$mqttls/provision/csr";

  /** Prefix of the topic a provisioned device's certificate chain is published to. */
  public static final String PROVISION_CERTIFICATE = "$mqttls/provision/certificate/";

  /** Prefix of the topic a provisioning refusal is published to. */
  public static final String PROVISION_REFUSED = "$mqttls/provision/refused/";

  /** Prefix of the topic a device publishes its renewal CSR to (followed by its own id). */
  public static final String RENEW_CSR = "$mqttls/renew/csr/";

  /** Prefix of the topic a renewed certificate chain is published to. */
  public static final String RENEW_CERTIFICATE = "$mqttls/renew/certificate/";

  /** Prefix of the topic a renewal refusal is published to. */
  public static final String RENEW_REFUSED = "$mqttls/renew/refused/";

  private ProvisioningTopics() {}
}
