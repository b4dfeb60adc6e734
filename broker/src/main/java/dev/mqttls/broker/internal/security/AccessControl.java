package dev.mqttls.broker.internal.security;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.BrokerStartException;
import dev.mqttls.broker.ConfigException;
import java.nio.file.Path;

/**
 * The broker's {@code password_file} and {@code acl_file}, read once at start-up. Immutable; shared
 * by every event loop.
 */
public final class AccessControl {
  public static final AccessControl NONE = new AccessControl(null, null, null);

  private final PasswordFile passwords;
  private final AclFile acl;
  private final ProvisioningScope provisioning;

  private AccessControl(PasswordFile passwords, AclFile acl, ProvisioningScope provisioning) {
    this.passwords = passwords;
    this.acl = acl;
    this.provisioning = provisioning;
  }

  /**
   * Reads the files {@code config} names.
   *
   * @throws BrokerStartException naming {@code FILE:LINE:} of the first bad line
   */
  public static AccessControl load(BrokerConfig config) {
    try {
      PasswordFile p =
          config.passwordFile().isPresent() ? PasswordFile.read(config.passwordFile().get()) : null;
      AclFile a = config.aclFile().isPresent() ? AclFile.read(config.aclFile().get()) : null;
      return new AccessControl(p, a, config.provisioning().map(ProvisioningScope::of).orElse(null));
    } catch (ConfigException e) {
      throw new BrokerStartException(e.getMessage(), e);
    }
  }

  /** The password file, or null when user names are not checked. */
  public PasswordFile passwords() {
    return passwords;
  }

  /**
   * The user name of the broker's own in-process clients that connect without one (bridges, $SYS,
   * provisioning): no ACL applies to it, so no other client may use it.
   */
  public static final String BROKER_IDENTITY = "$broker";

  /**
   * The ACL for a client that connected as {@code user} (null: anonymous) with {@code clientId}.
   */
  public ClientAcl aclFor(String user, String clientId) {
    if (BROKER_IDENTITY.equals(user)) {
      return ClientAcl.ALLOW_ALL;
    }
    ClientAcl base = acl == null ? ClientAcl.ALLOW_ALL : ClientAcl.of(acl, user, clientId);
    return provisioning == null ? base : provisioning.apply(base, user, clientId);
  }

  public boolean hasAcl() {
    return acl != null;
  }

  public Path aclPath() {
    return acl == null ? null : acl.file();
  }
}
