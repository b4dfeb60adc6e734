package dev.mqttls.pki.internal;

import dev.mqttls.pki.PkiException;
import dev.mqttls.pki.PkiException.Reason;
import java.io.ByteArrayOutputStream;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

/** PKCS#12 and JKS containers for Java peers. */
public final class KeyStores {
  private KeyStores() {}

  /**
   * A key store of the given type ({@code PKCS12} or {@code JKS}) holding, when {@code key} is
   * given, a key entry under {@code alias} with its chain, and always the CA as a trusted entry
   * {@code ca}, so the one file serves as key store and trust store.
   */
  public static byte[] build(
      String type,
      String alias,
      PrivateKey key,
      List<X509Certificate> chain,
      X509Certificate ca,
      char[] password) {
    try {
      KeyStore ks = KeyStore.getInstance(type);
      ks.load(null, null);
      if (key != null) {
        ks.setKeyEntry(alias, key, password, chain.toArray(new Certificate[0]));
      }
      ks.setCertificateEntry("ca", ca);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ks.store(out, password);
      return out.toByteArray();
    } catch (Exception e) {
      throw new PkiException(
          Reason.IO, "cannot build the " + type + " key store: " + Keys.oneLine(e), e);
    }
  }
}
