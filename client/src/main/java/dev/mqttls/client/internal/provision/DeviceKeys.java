package dev.mqttls.client.internal.provision;

import dev.mqttls.client.DeviceKeyType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** A device's key pair and its PKCS#10 CSR, made with the JDK's providers and Bouncy Castle. */
public final class DeviceKeys {
  private DeviceKeys() {}

  /** A new key pair of {@code type}. */
  public static KeyPair generate(DeviceKeyType type) {
    try {
      if (type == DeviceKeyType.RSA_2048) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make " + type + " keys", e);
    }
  }

  /** A CSR with subject {@code CN=id} signed by {@code keys}, PEM. */
  public static String csrPem(String id, KeyPair keys) {
    String alg = keys.getPublic() instanceof RSAPublicKey ? "SHA256withRSA" : "SHA256withECDSA";
    try {
      byte[] der =
          new JcaPKCS10CertificationRequestBuilder(
                  new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, id).build(),
                  keys.getPublic())
              .build(new JcaContentSignerBuilder(alg).build(keys.getPrivate()))
              .getEncoded();
      return pem("CERTIFICATE REQUEST", der);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign a CSR with " + alg, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the CSR", e);
    }
  }

  /** The private key as PKCS#8 PEM. */
  public static String privateKeyPem(KeyPair keys) {
    return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
  }

  /** Whether two public keys are the same key. */
  public static boolean same(PublicKey a, PublicKey b) {
    if (a instanceof ECPublicKey x && b instanceof ECPublicKey y) {
      return x.getW().equals(y.getW());
    }
    if (a instanceof RSAPublicKey x && b instanceof RSAPublicKey y) {
      return x.getModulus().equals(y.getModulus())
          && x.getPublicExponent().equals(y.getPublicExponent());
    }
    return false;
  }

  private static String pem(String label, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }
}
