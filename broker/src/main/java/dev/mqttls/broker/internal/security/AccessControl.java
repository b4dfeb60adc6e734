package dev.mqttls.broker.internal.security;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.BrokerStartException;
import dev.mqttls.broker.ConfigException;
import dev.mqttls.broker.ListenerConfig;
import dev.mqttls.broker.ListenerSecurity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The broker's {@code password_file} and {@code acl_file}, read once at start-up. Immutable; shared
 * by every event loop.
 *
 * <p>With {@code per_listener_settings true} each listener has its own files, {@code
 * allow_anonymous} and {@code allow_zero_length_clientid} ({@link #forListener(int)}); the broker's
 * own then hold none, and a session that belongs to no listener (restored from the store and not
 * reconnected yet) may use no topic, as in mosquitto, whose ACL check denies a client without a
 * listener under that setting.
 */
public final class AccessControl {
  public static final AccessControl NONE =
      new AccessControl(null, null, null, null, null, List.of());

  private final PasswordFile passwords;
  private final AclFile acl;

  /** The provisioning topic rules (claim identities, renewal), or null. */
  private final ProvisioningScope provisioning;

  /** This scope's allow_anonymous; null: the broker configuration's. */
  private final Boolean allowAnonymous;

  /** This scope's allow_zero_length_clientid; null: the broker configuration's. */
  private final Boolean allowZeroLengthClientId;

  /** By listener index with per_listener_settings true, else empty. */
  private final List<AccessControl> listeners;

  private AccessControl(
      PasswordFile passwords,
      AclFile acl,
      ProvisioningScope provisioning,
      Boolean allowAnonymous,
      Boolean allowZeroLengthClientId,
      List<AccessControl> listeners) {
    this.passwords = passwords;
    this.acl = acl;
    this.provisioning = provisioning;
    this.allowAnonymous = allowAnonymous;
    this.allowZeroLengthClientId = allowZeroLengthClientId;
    this.listeners = listeners;
  }

  /**
   * Reads the files {@code config} names, the broker's and, with {@code per_listener_settings
   * true}, every listener's.
   *
   * @throws BrokerStartException naming {@code FILE:LINE:} of the first bad line
   */
  public static AccessControl load(BrokerConfig config) {
    try {
      ProvisioningScope scope = config.provisioning().map(ProvisioningScope::of).orElse(null);
      List<AccessControl> own = new ArrayList<>();
      boolean perListener = false;
      for (ListenerConfig l : config.listeners()) {
        Optional<ListenerSecurity> s = l.security();
        perListener |= s.isPresent();
        own.add(
            s.isEmpty()
                ? null
                : new AccessControl(
                    passwords(s.get().passwordFile()),
                    acl(s.get().aclFile()),
                    scope,
                    s.get().allowAnonymous(),
                    s.get().allowZeroLengthClientId(),
                    List.of()));
      }
      return new AccessControl(
          passwords(config.passwordFile()),
          acl(config.aclFile()),
          scope,
          null,
          null,
          perListener ? Collections.unmodifiableList(own) : List.of());
    } catch (ConfigException e) {
      throw new BrokerStartException(e.getMessage(), e);
    }
  }

  private static PasswordFile passwords(Optional<Path> f) throws ConfigException {
    return f.isPresent() ? PasswordFile.read(f.get()) : null;
  }

  private static AclFile acl(Optional<Path> f) throws ConfigException {
    return f.isPresent() ? AclFile.read(f.get()) : null;
  }

  /**
   * What applies to a client of listener {@code index} (-1: no listener): that listener's own
   * settings with {@code per_listener_settings true}, else these.
   */
  public AccessControl forListener(int index) {
    if (index < 0 || index >= listeners.size() || listeners.get(index) == null) {
      return this;
    }
    return listeners.get(index);
  }

  /** Whether this scope lets clients without a user name connect. */
  public boolean allowAnonymous(BrokerConfig config) {
    return allowAnonymous == null ? config.allowAnonymous() : allowAnonymous;
  }

  /** Whether this scope gives a client with an empty client id an assigned one. */
  public boolean allowZeroLengthClientId(BrokerConfig config) {
    return allowZeroLengthClientId == null
        ? config.allowZeroLengthClientId()
        : allowZeroLengthClientId;
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
    ClientAcl base;
    if (acl != null) {
      base = ClientAcl.of(acl, user, clientId);
    } else {
      // per_listener_settings true and no listener: mosquitto denies.
      base = listeners.isEmpty() ? ClientAcl.ALLOW_ALL : ClientAcl.DENY_ALL;
    }
    return provisioning == null ? base : provisioning.apply(base, user, clientId);
  }

  /** Whether any ACL is in force (when none is, delivery skips the per-message check). */
  public boolean hasAcl() {
    return acl != null || !listeners.isEmpty() || provisioning != null;
  }

  /** Whether any file is configured (a reload has something to read). */
  public boolean hasFiles() {
    if (passwords != null || acl != null) {
      return true;
    }
    for (AccessControl l : listeners) {
      if (l != null && l.hasFiles()) {
        return true;
      }
    }
    return false;
  }

  public Path aclPath() {
    return acl == null ? null : acl.file();
  }
}
