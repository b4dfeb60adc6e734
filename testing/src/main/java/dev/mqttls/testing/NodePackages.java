package dev.mqttls.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * npm packages the tests use as peers (MQTT.js, the npm {@code mqtt} package, in Node and as a
 * browser bundle), installed by {@code ./test.sh} into a cache a clean clone shares: {@code
 * ~/.cache/mqttls/node/node_modules}, or the directory the system property {@code
 * mqttls.node.modules} names.
 */
public final class NodePackages {
  private NodePackages() {}

  /** The {@code node_modules} directory the packages are installed in. */
  public static Path modules() {
    String p = System.getProperty("mqttls.node.modules");
    if (p != null) {
      return Path.of(p);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "mqttls", "node", "node_modules");
  }

  /**
   * The installed package {@code name}.
   *
   * @throws IllegalStateException saying how to install it when it is not there
   */
  public static Path require(String name) {
    Path dir = modules().resolve(name);
    if (!Files.isRegularFile(dir.resolve("package.json"))) {
      throw new IllegalStateException(
          "npm package '"
              + name
              + "' is not installed in "
              + modules()
              + ": run ./test.sh, which installs it with npm");
    }
    return dir;
  }

  /** MQTT.js's browser bundle ({@code dist/mqtt.min.js}, the global {@code mqtt}). */
  public static Path mqttBrowserBundle() {
    return require("mqtt").resolve("dist").resolve("mqtt.min.js");
  }

  /** The {@code node} binary on the PATH, or /usr/bin/node. */
  public static String node() {
    return Files.isExecutable(Path.of("/usr/bin/node")) ? "/usr/bin/node" : "node";
  }
}
