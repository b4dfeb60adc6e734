package dev.mqttls.broker.internal.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.broker.internal.routing.Topics;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProvisioningScopeTest {
  private static final ProvisioningScope SCOPE = ProvisioningScope.of(Set.of("claim"));

  private static String[] l(String topic) {
    return Topics.levels(topic);
  }

  @Test
  void claimIdentity_mayOnlyAskForItsOwnCertificate_whateverTheAclFileGrants() throws Exception {
    ClientAcl fromFile =
        ClientAcl.of(
            AclFile.parse("user claim\ntopic readwrite #\n", Path.of("acl")), "claim", "d-1");
    for (ClientAcl base : new ClientAcl[] {ClientAcl.ALLOW_ALL, fromFile}) {
      ClientAcl acl = SCOPE.apply(base, "claim", "d-1");
      assertThat(acl.allowsAll()).isFalse();
      assertThat(acl.canWrite(l("$mqttls/provision/csr"))).isTrue();
      assertThat(acl.canSubscribe(l("$mqttls/provision/certificate/d-1"))).isTrue();
      assertThat(acl.canSubscribe(l("$mqttls/provision/refused/d-1"))).isTrue();
      assertThat(acl.canSubscribe(l("$mqttls/provision/certificate/d-2"))).isFalse();
      assertThat(acl.canSubscribe(l("$mqttls/provision/+/d-1"))).isFalse();
      assertThat(acl.canSubscribe(l("#"))).isFalse();
      assertThat(acl.canWrite(l("sensors/d-1"))).isFalse();
      assertThat(acl.canWrite(l("$mqttls/provision/certificate/d-1"))).isFalse();
      assertThat(acl.canWrite(l("$mqttls/renew/csr/claim"))).isFalse();
    }
    // A wildcard client id widens nothing: it may send a request but not read an answer.
    ClientAcl wild = SCOPE.apply(ClientAcl.ALLOW_ALL, "claim", "+");
    assertThat(wild.canSubscribe(l("$mqttls/provision/certificate/+"))).isFalse();
    assertThat(wild.canWrite(l("$mqttls/provision/csr"))).isTrue();
  }

  @Test
  void otherUsers_renewOnlyTheirOwnId_andCannotAnswer_theRestUnchanged() {
    ClientAcl acl = SCOPE.apply(ClientAcl.ALLOW_ALL, "d-1", "d-1");
    assertThat(acl.canWrite(l("$mqttls/renew/csr/d-1"))).isTrue();
    assertThat(acl.canSubscribe(l("$mqttls/renew/certificate/d-1"))).isTrue();
    assertThat(acl.canWrite(l("$mqttls/renew/csr/d-2"))).isFalse();
    assertThat(acl.canRead(l("$mqttls/renew/certificate/d-2"))).isFalse();
    assertThat(acl.canWrite(l("$mqttls/provision/csr"))).isFalse();
    assertThat(acl.canWrite(l("$mqttls/provision/certificate/d-2"))).isFalse();
    assertThat(acl.canRead(l("$mqttls/provision/certificate/d-2"))).isFalse();
    // Outside the provisioning topics, no acl_file still means everything.
    assertThat(acl.canWrite(l("sensors/d-2"))).isTrue();
    assertThat(acl.canRead(l("$SYS/broker/uptime"))).isTrue();
    ClientAcl anonymous = SCOPE.apply(ClientAcl.ALLOW_ALL, null, "x");
    assertThat(anonymous.canWrite(l("$mqttls/renew/csr/x"))).isFalse();
    assertThat(anonymous.canWrite(l("a/b"))).isTrue();
  }
}
