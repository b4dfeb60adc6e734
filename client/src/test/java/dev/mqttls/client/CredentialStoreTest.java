package dev.mqttls.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {
  private static final String CERT_A =
      "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n";
  private static final String CERT_B =
      "-----BEGIN CERTIFICATE-----\nMIIBBBBB\n-----END CERTIFICATE-----\n";
  private static final String KEY =
      "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n";

  @TempDir Path dir;

  @Test
  void provision_identicalCredential_doesNotRewriteTheFile() throws Exception {
    CredentialStore store = CredentialStore.open(dir);
    assertThat(store.provision(42, CredentialType.CA_CERTIFICATE, CERT_A))
        .isEqualTo(ProvisionResult.CREATED);
    Path file = store.path(42, CredentialType.CA_CERTIFICATE);
    // Put the mtime in the past so that any rewrite, however fast, shows as a change.
    FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
    Files.setLastModifiedTime(file, old);
    Object inode = Files.readAttributes(file, "unix:ino").get("ino");

    // Same content with other line endings and surrounding space is the same credential.
    assertThat(
            store.provision(
                42, CredentialType.CA_CERTIFICATE, "\r\n" + CERT_A.replace("\n", "\r\n")))
        .isEqualTo(ProvisionResult.UNCHANGED);

    assertThat(Files.getLastModifiedTime(file)).isEqualTo(old);
    assertThat(Files.readAttributes(file, "unix:ino").get("ino")).isEqualTo(inode);
    assertThat(store.read(42, CredentialType.CA_CERTIFICATE)).contains(CERT_A);
  }

  @Test
  void provision_differentCredential_replacesTheFileAtomically() throws Exception {
    CredentialStore store = CredentialStore.open(dir);
    store.provision(7, CredentialType.CLIENT_CERTIFICATE, CERT_A);
    Path file = store.path(7, CredentialType.CLIENT_CERTIFICATE);
    FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
    Files.setLastModifiedTime(file, old);

    assertThat(store.provision(7, CredentialType.CLIENT_CERTIFICATE, CERT_B))
        .isEqualTo(ProvisionResult.REPLACED);

    assertThat(Files.getLastModifiedTime(file)).isNotEqualTo(old);
    assertThat(store.read(7, CredentialType.CLIENT_CERTIFICATE)).contains(CERT_B);
    // no temporary file is left behind
    try (var files = Files.list(file.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("client-cert.pem");
    }
  }

  @Test
  void provision_key_isReadableByOwnerOnly() throws Exception {
    CredentialStore store = CredentialStore.open(dir);
    store.provision(1, CredentialType.CLIENT_KEY, KEY);
    assertThat(Files.getPosixFilePermissions(store.path(1, CredentialType.CLIENT_KEY)))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void provision_wrongKindOfPem_isRefusedNamingIt() {
    CredentialStore store = CredentialStore.open(dir);
    assertThatThrownBy(() -> store.provision(1, CredentialType.CA_CERTIFICATE, KEY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("EC PRIVATE KEY");
    assertThatThrownBy(() -> store.provision(1, CredentialType.CLIENT_KEY, "not pem"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no PEM block");
    assertThatThrownBy(() -> store.provision(-1, CredentialType.CLIENT_KEY, KEY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sec tag");
    assertThat(store.tags()).isEmpty();
  }

  @Test
  void tags_listsTagsHoldingCredentials_andDeleteRemovesThem() {
    CredentialStore store = CredentialStore.open(dir);
    store.provision(12, CredentialType.CA_CERTIFICATE, CERT_A);
    store.provision(3, CredentialType.CLIENT_KEY, KEY);
    assertThat(store.tags()).containsExactly(3, 12);
    assertThat(store.delete(3, CredentialType.CLIENT_KEY)).isTrue();
    assertThat(store.delete(3, CredentialType.CLIENT_KEY)).isFalse();
    assertThat(store.tags()).containsExactly(12);
    assertThat(store.contains(12, CredentialType.CA_CERTIFICATE)).isTrue();
  }

  @Test
  void tlsConfig_secTag_takesTheStoredFiles() {
    CredentialStore store = CredentialStore.open(dir);
    store.provision(5, CredentialType.CA_CERTIFICATE, CERT_A);
    TlsConfig tls = TlsConfig.builder().secTag(store, 5).build();
    assertThat(tls.caFile()).contains(store.path(5, CredentialType.CA_CERTIFICATE));
    assertThat(tls.certFile()).isEmpty();
    assertThat(tls.secTag()).contains(5);
    assertThatThrownBy(() -> TlsConfig.builder().secTag(store, 6))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sec tag 6 holds no credential");
  }
}
