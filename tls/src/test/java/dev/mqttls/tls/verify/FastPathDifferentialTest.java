package dev.mqttls.tls.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.pki.HeldCertificate;
import dev.mqttls.pki.HeldCertificate.ExtendedUsage;
import dev.mqttls.pki.HeldCertificate.Usage;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fast path may only ever be stricter than the JDK's PKIX: on thousands of generated chains,
 * seeded and so reproducible, whenever PKIX refuses a path the fast path must refuse it too. The
 * chains mutate dates, CA flags, path lengths (the anchor's included), key usage, extended key
 * usage, unknown critical extensions, name constraints, issuer/subject names, signature algorithms,
 * key types and curves.
 *
 * <p>{@code -Dmqttls.differential.chains=N} sets the count (default 600, about 5 s on an idle
 * machine) and {@code -Dmqttls.differential.seed=S} the seed; see tls/README.md for the longer run.
 */
class FastPathDifferentialTest {
  private static final int CHAINS = Integer.getInteger("mqttls.differential.chains", 600);
  private static final long SEED = Long.getLong("mqttls.differential.seed", 20261207L);
  private static final Instant NOW = Instant.now();
  private static final String[] KEY_TYPES = {
    "P-256", "P-256", "P-256", "P-384", "P-521", "RSA-2048", "RSA-1024", "RSA-512", "Ed25519"
  };
  private static final Map<String, List<KeyPair>> KEYS = new TreeMap<>();

  @BeforeAll
  static void keyPool() throws GeneralSecurityException {
    // Keys are reused across chains: generating thousands of RSA keys would take minutes.
    for (String type : new java.util.TreeSet<>(List.of(KEY_TYPES))) {
      List<KeyPair> pool = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        pool.add(generate(type));
      }
      KEYS.put(type, pool);
    }
  }

  @Test
  void fastPath_neverAcceptsWhatPkixRefuses() throws Exception {
    Random random = new Random(SEED);
    Map<CertificateError, Integer> pkixRefusals = new EnumMap<>(CertificateError.class);
    int bothAccept = 0;
    int onlyPkixAccepts = 0;
    int bothRefuse = 0;
    List<String> violations = new ArrayList<>();
    for (int n = 0; n < CHAINS; n++) {
      Generated g = generate(random);
      boolean fast = new FastPath(16).vouches(g.path, g.anchor, Date.from(NOW));
      CertificateError pkix = pkix(g.path, g.anchor);
      if (pkix != null) {
        pkixRefusals.merge(pkix, 1, Integer::sum);
      }
      if (fast && pkix != null) {
        violations.add("chain " + n + " (" + g.mutations + "): PKIX refuses with " + pkix);
      } else if (fast) {
        bothAccept++;
      } else if (pkix == null) {
        onlyPkixAccepts++;
      } else {
        bothRefuse++;
      }
    }
    String summary =
        String.format(
            Locale.ROOT,
            "seed %d, %d chains: both accept %d, only PKIX accepts %d, both refuse %d; PKIX"
                + " refusals %s",
            SEED,
            CHAINS,
            bothAccept,
            onlyPkixAccepts,
            bothRefuse,
            pkixRefusals);
    System.getLogger(FastPathDifferentialTest.class.getName())
        .log(System.Logger.Level.INFO, summary);
    assertThat(violations).as(summary).isEmpty();
    // The generator must exercise both sides, or the test proves nothing.
    assertThat(bothAccept).as(summary).isGreaterThan(CHAINS / 10);
    assertThat(bothRefuse).as(summary).isGreaterThan(CHAINS / 10);
    assertThat(pkixRefusals.keySet())
        .as(summary)
        .contains(
            CertificateError.EXPIRED,
            CertificateError.NOT_YET_VALID,
            CertificateError.ISSUER_NOT_CA,
            CertificateError.PATH_TOO_LONG,
            CertificateError.ISSUER_CANNOT_SIGN,
            CertificateError.UNKNOWN_CRITICAL_EXTENSION,
            CertificateError.BAD_SIGNATURE,
            CertificateError.WEAK_ALGORITHM);
  }

  /** A path (leaf first, no anchor), the anchor, and what was done to them. */
  record Generated(List<X509Certificate> path, X509Certificate anchor, List<String> mutations) {}

  private static Generated generate(Random r) throws IOException {
    List<String> m = new ArrayList<>();
    int intermediates = r.nextInt(3);
    // one in three chains is left alone, so valid chains are common
    boolean mutate = r.nextInt(3) != 0;
    HeldCertificate root = ca(r, "Root " + r.nextInt(4), intermediates, mutate, m, "root", null);
    HeldCertificate issuer = root;
    List<HeldCertificate> cas = new ArrayList<>();
    for (int i = 0; i < intermediates; i++) {
      issuer =
          ca(
              r,
              "Int " + i + "-" + r.nextInt(4),
              intermediates - i - 1,
              mutate,
              m,
              "int" + i,
              issuer);
      cas.add(0, issuer);
    }
    HeldCertificate.Builder leaf =
        HeldCertificate.newBuilder()
            .commonName("device-" + r.nextInt(1000))
            .keyPair(key(r, mutate, m, "leaf"))
            .signedBy(issuer);
    dates(r, leaf, mutate, m, "leaf");
    if (mutate && r.nextInt(6) == 0) {
      m.add("leaf:CA");
      leaf.certificateAuthority(r.nextInt(2) - 1);
    }
    if (mutate && r.nextInt(5) == 0) {
      ExtendedUsage p = ExtendedUsage.values()[r.nextInt(ExtendedUsage.values().length)];
      m.add("leaf:eku=" + p);
      leaf.extendedKeyUsage(p);
    }
    if (mutate && r.nextInt(6) == 0) {
      m.add("leaf:ku=keyEncipherment");
      leaf.keyUsage(Usage.KEY_ENCIPHERMENT);
    }
    if (mutate && r.nextInt(8) == 0) {
      m.add("leaf:no-ku");
      leaf.withoutKeyUsage();
    }
    if (mutate && r.nextInt(8) == 0) {
      m.add("leaf:unknown-critical");
      leaf.addExtension("1.3.6.1.4.1.55555.1", true, new DERUTF8String("x").getEncoded());
    }
    if (mutate && r.nextInt(10) == 0) {
      m.add("leaf:san=other.example");
      leaf.addSubjectAlternativeName("other.example");
    }
    signature(r, leaf, issuer, mutate, m, "leaf");
    HeldCertificate leafCert = build(leaf, m);
    List<X509Certificate> path = new ArrayList<>();
    path.add(leafCert.certificate());
    cas.forEach(c -> path.add(c.certificate()));
    if (mutate && path.size() > 1 && r.nextInt(12) == 0) {
      // same name, another key: the path holds a twin the leaf was not signed by
      m.add("twin-intermediate");
      X509Certificate signer = path.get(1);
      HeldCertificate twin =
          HeldCertificate.newBuilder()
              .subject(signer.getSubjectX500Principal().getName())
              .certificateAuthority()
              .keyPair(KEYS.get("P-256").get(r.nextInt(4)))
              .signedBy(cas.size() > 1 ? cas.get(1) : root)
              .build();
      path.set(1, twin.certificate());
    }
    if (mutate && r.nextInt(14) == 0) {
      m.add("other-root");
      // an anchor with the root's name but another key
      HeldCertificate other =
          HeldCertificate.newBuilder()
              .subject(root.certificate().getSubjectX500Principal().getName())
              .certificateAuthority()
              .keyPair(generateQuietly("P-256"))
              .build();
      return new Generated(path, other.certificate(), m);
    }
    return new Generated(path, root.certificate(), m);
  }

  private static HeldCertificate ca(
      Random r,
      String name,
      int below,
      boolean mutate,
      List<String> m,
      String role,
      HeldCertificate issuer)
      throws IOException {
    HeldCertificate.Builder b =
        HeldCertificate.newBuilder()
            .subject("CN=" + name + ",O=Differential")
            .keyPair(key(r, mutate, m, role));
    if (issuer != null) {
      b.signedBy(issuer);
    }
    int choice = mutate ? r.nextInt(14) : 0;
    switch (choice) {
      case 1 -> {
        m.add(role + ":CA:FALSE");
        b.keyUsage(Usage.KEY_CERT_SIGN, Usage.DIGITAL_SIGNATURE);
      }
      case 2 -> {
        m.add(role + ":no-basic-constraints");
        b.certificateAuthority().withoutBasicConstraints();
      }
      case 3 -> {
        int len = Math.max(0, below - 1);
        m.add(role + ":pathLen=" + len + "<" + below);
        b.certificateAuthority(len);
      }
      case 4 -> {
        m.add(role + ":pathLen=" + below);
        b.certificateAuthority(below);
      }
      case 5 -> {
        m.add(role + ":ku-without-keyCertSign");
        b.certificateAuthority().keyUsage(Usage.DIGITAL_SIGNATURE, Usage.CRL_SIGN);
      }
      case 6 -> {
        m.add(role + ":no-ku");
        b.certificateAuthority().withoutKeyUsage();
      }
      case 7 -> {
        m.add(role + ":unknown-critical");
        b.certificateAuthority()
            .addExtension("1.3.6.1.4.1.55555.2", true, new DERUTF8String("y").getEncoded());
      }
      case 8 -> {
        boolean critical = r.nextBoolean();
        m.add(role + ":name-constraints(critical=" + critical + ")");
        b.certificateAuthority()
            .addExtension(
                "2.5.29.30",
                critical,
                new NameConstraints(
                        new GeneralSubtree[] {
                          new GeneralSubtree(new GeneralName(GeneralName.dNSName, "example.com"))
                        },
                        null)
                    .getEncoded());
      }
      default -> b.certificateAuthority();
    }
    dates(r, b, mutate, m, role);
    signature(r, b, issuer, mutate, m, role);
    return build(b, m);
  }

  private static void dates(
      Random r, HeldCertificate.Builder b, boolean mutate, List<String> m, String role) {
    int choice = mutate ? r.nextInt(12) : 0;
    switch (choice) {
      case 1 -> {
        m.add(role + ":expired");
        b.validity(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(1 + r.nextInt(30))));
      }
      case 2 -> {
        m.add(role + ":not-yet-valid");
        b.validity(NOW.plus(Duration.ofDays(1 + r.nextInt(30))), NOW.plus(Duration.ofDays(400)));
      }
      case 3 -> {
        m.add(role + ":expires-in-seconds");
        b.validity(NOW.minus(Duration.ofDays(1)), NOW.plusSeconds(60 + r.nextInt(60)));
      }
      default -> b.validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(365)));
    }
  }

  private static void signature(
      Random r,
      HeldCertificate.Builder b,
      HeldCertificate issuer,
      boolean mutate,
      List<String> m,
      String role) {
    if (!mutate || r.nextInt(4) != 0) {
      return;
    }
    // the issuer's key, or the certificate's own when self-signed (a root)
    String alg = issuer == null ? null : issuer.keyPair().getPublic().getAlgorithm();
    if (alg == null) {
      return;
    }
    String[] choices =
        switch (alg) {
          case "EC" -> new String[] {"SHA384withECDSA", "SHA512withECDSA", "SHA1withECDSA"};
          case "RSA" ->
              ((java.security.interfaces.RSAPublicKey) issuer.keyPair().getPublic())
                          .getModulus()
                          .bitLength()
                      < 1024
                  ? new String[] {
                    "SHA1withRSA", "MD5withRSA"
                  } // a 512-bit key is too short for more
                  : new String[] {"SHA384withRSA", "SHA512withRSA", "SHA1withRSA", "MD5withRSA"};
          default -> new String[0];
        };
    if (choices.length > 0) {
      String s = choices[r.nextInt(choices.length)];
      m.add(role + ":sig=" + s);
      b.signatureAlgorithm(s);
    }
  }

  private static KeyPair key(Random r, boolean mutate, List<String> m, String role) {
    String type = mutate ? KEY_TYPES[r.nextInt(KEY_TYPES.length)] : "P-256";
    if (!type.equals("P-256")) {
      m.add(role + ":" + type);
    }
    return KEYS.get(type).get(r.nextInt(4));
  }

  private static HeldCertificate build(HeldCertificate.Builder b, List<String> m) {
    try {
      return b.build();
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot build " + m + ": " + e, e);
    }
  }

  /** PKIX's verdict on the path, or null when it accepts. */
  static CertificateError pkix(List<X509Certificate> path, X509Certificate anchor)
      throws GeneralSecurityException {
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
    params.setRevocationEnabled(false);
    params.setDate(Date.from(NOW));
    try {
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
      return null;
    } catch (CertPathValidatorException e) {
      return ChainVerifier.errorOf(e.getReason());
    }
  }

  static KeyPair generate(String type) throws GeneralSecurityException {
    KeyPairGenerator g;
    if (type.startsWith("P-")) {
      g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp" + type.substring(2) + "r1"));
    } else if (type.startsWith("RSA-")) {
      g = KeyPairGenerator.getInstance("RSA");
      g.initialize(Integer.parseInt(type.substring(4)));
    } else {
      g = KeyPairGenerator.getInstance(type);
    }
    return g.generateKeyPair();
  }

  private static KeyPair generateQuietly(String type) {
    try {
      return generate(type);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
