package dev.mqttls.cli.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * A broker URL as {@code --url} and the shell's {@code connect} take it: {@code
 * mqtts://user@host:8883/topic}. Schemes {@code mqtt}/{@code tcp} are plain, {@code mqtts}/{@code
 * ssl}/{@code tls} are TLS; the path, when present, is the topic. A password in the URL works as
 * with mosquitto_pub, but the caller warns that it is visible in the process list.
 */
record MqttUrl(
    boolean tls,
    String host,
    Optional<Integer> port,
    Optional<String> username,
    Optional<String> password,
    Optional<String> topic) {

  static MqttUrl parse(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new CliFailure(ExitCodes.USAGE, "--url '" + text + "' is not a URL: " + e.getReason());
    }
    String scheme =
        uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    boolean tls;
    switch (scheme) {
      case "mqtt":
      case "tcp":
        tls = false;
        break;
      case "mqtts":
      case "ssl":
      case "tls":
        tls = true;
        break;
      default:
        throw new CliFailure(
            ExitCodes.USAGE, "--url '" + text + "': the scheme must be mqtt:// or mqtts://");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new CliFailure(ExitCodes.USAGE, "--url '" + text + "' has no host");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    Optional<String> user = Optional.empty();
    Optional<String> password = Optional.empty();
    if (uri.getRawUserInfo() != null) {
      String info = uri.getUserInfo();
      int colon = info.indexOf(':');
      if (colon >= 0) {
        password = Optional.of(info.substring(colon + 1));
        info = info.substring(0, colon);
      }
      user = Optional.of(info);
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    // '#' starts a URL fragment, so a filter such as /sensors/# arrives split in two
    if (uri.getFragment() != null) {
      path = path + "#" + uri.getFragment();
    }
    Optional<String> topic = path.length() <= 1 ? Optional.empty() : Optional.of(path.substring(1));
    return new MqttUrl(
        tls,
        host,
        uri.getPort() > 0 ? Optional.of(uri.getPort()) : Optional.empty(),
        user,
        password,
        topic);
  }
}
