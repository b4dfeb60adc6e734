package dev.mqttls.cli;

import io.netty.handler.ssl.OpenSsl;
import java.io.IOException;
import java.io.InputStream;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;

/**
 * {@code mqttls --version}: the version and git commit this jar was built from (Maven writes them
 * into {@code build.properties}), the Java runtime, and which TLS engines work on this machine.
 */
public final class VersionProvider implements CommandLine.IVersionProvider {
  private static final String BUILD_PROPERTIES = "build.properties";

  @Override
  public String[] getVersion() {
    List<String> lines = new ArrayList<>();
    lines.add("mqttls " + version() + " (" + commit() + ")");
    lines.add(
        "Java "
            + Runtime.version()
            + " ("
            + System.getProperty("java.vendor", "unknown vendor")
            + ") on "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.arch"));
    lines.add("TLS engines (tls_engine):");
    lines.add("  openssl  " + openssl());
    lines.add("  jdk      " + jdk());
    lines.add("Also on the class path: " + bouncyCastle());
    return lines.toArray(new String[0]);
  }

  /** The project version, or {@code development build} when run from unfiltered classes. */
  public static String version() {
    String v = build().getProperty("version", "");
    return v.isEmpty() || v.startsWith("${") ? "development build" : v;
  }

  static String commit() {
    Properties p = build();
    String commit = p.getProperty("commit", "");
    if (commit.isEmpty() || commit.startsWith("${")) {
      return "git commit unknown: built outside a git checkout";
    }
    return "git commit " + commit + ("true".equals(p.getProperty("dirty")) ? ", modified" : "");
  }

  private static Properties build() {
    Properties p = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream(BUILD_PROPERTIES)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // A jar we cannot read our own resource from has bigger problems; report the version unknown.
    }
    return p;
  }

  private static String openssl() {
    if (OpenSsl.isAvailable()) {
      return OpenSsl.versionString() + " through netty-tcnative: available (the default)";
    }
    Throwable cause = OpenSsl.unavailabilityCause();
    return "BoringSSL through netty-tcnative: NOT available on this machine ("
        + (cause == null ? "no reason given" : cause.getClass().getSimpleName())
        + "); the jdk engine is used instead";
  }

  private static String jdk() {
    try {
      SSLContext tls = SSLContext.getDefault();
      return tls.getProvider().getName()
          + " (Java "
          + Runtime.version().feature()
          + "): available, "
          + String.join(" ", tls.getDefaultSSLParameters().getProtocols());
    } catch (NoSuchAlgorithmException e) {
      return "NOT available: " + e.getMessage();
    }
  }

  private static String bouncyCastle() {
    String bc = providerVersion("org.bouncycastle.jce.provider.BouncyCastleProvider");
    String jsse = providerVersion("org.bouncycastle.jsse.provider.BouncyCastleJsseProvider");
    if (bc == null && jsse == null) {
      return "no BouncyCastle";
    }
    return "BouncyCastle "
        + (bc == null ? "JSSE" : bc + (jsse == null ? "" : " with its JSSE provider"))
        + " (keys and certificates; not a broker engine)";
  }

  /** A security provider's version when its class is present, without registering it. */
  private static String providerVersion(String className) {
    try {
      Class<?> c = Class.forName(className, false, VersionProvider.class.getClassLoader());
      java.security.Provider p = (java.security.Provider) c.getDeclaredConstructor().newInstance();
      return p.getVersionStr();
    } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
      return null;
    }
  }
}
