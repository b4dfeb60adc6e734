package dev.mqttls.broker.internal.security;

import dev.mqttls.broker.internal.security.AclFile.Rule;
import java.util.List;
import java.util.Set;

/**
 * What the provisioning topics allow (docs/provisioning.md), in force when the configuration has
 * {@code provision_*} directives. The provisioning service itself talks to the broker in-process
 * without a user name and is not judged by any ACL.
 *
 * <ul>
 *   <li>A <em>claim identity</em> ({@code provision_claim_identity}: a shared factory certificate's
 *       CN, or a user name for token provisioning) may publish to {@code $mqttls/provision/csr} and
 *       subscribe to {@code $mqttls/provision/certificate/CLIENT_ID} and {@code
 *       $mqttls/provision/refused/CLIENT_ID}, and nothing else: not even what the {@code acl_file}
 *       would give that user name. Denials are answered as every ACL denial is (MQTT 5 reason code
 *       0x87; MQTT 3.1.1 a SUBACK 0x80, a publish dropped).
 *   <li>Any other client with a user name may publish to {@code $mqttls/renew/csr/USER} and
 *       subscribe to {@code $mqttls/renew/certificate/USER} and {@code $mqttls/renew/refused/USER}
 *       for its own user name (with {@code use_identity_as_username}: the CN of the certificate it
 *       presented), whatever its {@code acl_file} says; the rest of {@code $mqttls/provision/#} and
 *       {@code $mqttls/renew/#} is closed to it, so that no client can forge an answer or read
 *       another's. Everything else is as its {@code acl_file} (or its absence) says.
 * </ul>
 *
 * <p>A user name or client id holding {@code +} or {@code #} gets no grant at all (it would widen
 * the rule), as {@link ClientAcl} treats patterns. Immutable.
 */
public final class ProvisioningScope {
  private static final List<Rule> CLOSED =
      List.of(rule("$mqttls/provision/#", AclFile.DENY), rule("$mqttls/renew/#", AclFile.DENY));

  private final Set<String> claimIdentities;

  private ProvisioningScope(Set<String> claimIdentities) {
    this.claimIdentities = Set.copyOf(claimIdentities);
  }

  /** The scope with these claim identities (user names). */
  public static ProvisioningScope of(Set<String> claimIdentities) {
    return new ProvisioningScope(claimIdentities);
  }

  /** Whether {@code user} is a claim identity. */
  public boolean isClaimIdentity(String user) {
    return user != null && claimIdentities.contains(user);
  }

  /**
   * The ACL of a client that connected as {@code user} (null: anonymous) with {@code clientId},
   * given the ACL the {@code acl_file} would give it.
   */
  public ClientAcl apply(ClientAcl base, String user, String clientId) {
    if (isClaimIdentity(user)) {
      if (wild(clientId)) {
        return ClientAcl.only(List.of(rule("$mqttls/provision/csr", AclFile.WRITE)));
      }
      return ClientAcl.only(
          List.of(
              rule("$mqttls/provision/csr", AclFile.WRITE),
              rule("$mqttls/provision/certificate/" + clientId, AclFile.READ),
              rule("$mqttls/provision/refused/" + clientId, AclFile.READ)));
    }
    if (user == null || user.isEmpty() || wild(user) || user.contains("/")) {
      return base.withRulesFirst(CLOSED);
    }
    return base.withRulesFirst(
        List.of(
            rule("$mqttls/renew/csr/" + user, AclFile.WRITE),
            rule("$mqttls/renew/certificate/" + user, AclFile.READ),
            rule("$mqttls/renew/refused/" + user, AclFile.READ),
            CLOSED.get(0),
            CLOSED.get(1)));
  }

  private static boolean wild(String s) {
    return s.contains("+") || s.contains("#");
  }

  private static Rule rule(String topic, int access) {
    return new Rule(topic.split("/", -1), access, topic);
  }
}
