package dev.mqttls.client;

/**
 * The provisioning service refused a {@link Provisioning#provision} or {@link Provisioning#renew}
 * request: {@link #code()} is the refusal code of docs/provisioning.md (e.g. {@code
 * id-not-allowed}), the message the service's explanation. Its {@link #kind()} is {@link
 * FailureKind#REFUSED}.
 */
public final class ProvisioningException extends MqttClientException {
  private static final long serialVersionUID = 1L;

  private final String code;

  /** A refusal with the service's {@code code} and {@code message}. */
  public ProvisioningException(String code, String message) {
    super(FailureKind.REFUSED, message, null);
    this.code = code;
  }

  /** The refusal code, e.g. {@code id-not-allowed} or {@code token-invalid}. */
  public String code() {
    return code;
  }
}
