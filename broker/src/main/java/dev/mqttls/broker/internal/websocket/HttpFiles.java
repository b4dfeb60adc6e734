package dev.mqttls.broker.internal.websocket;

import dev.mqttls.broker.BrokerStartException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The files of a listener's {@code http_dir}, looked up as mosquitto looks them up: {@code /} is
 * {@code index.html}; the requested path is resolved with symbolic links followed and must stay
 * inside the directory (403 otherwise); it must be a regular file (a directory is 403, as in
 * mosquitto: there are no directory listings and no index files below the top); missing is 404.
 * Immutable.
 */
public final class HttpFiles {
  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("html", "text/html; charset=utf-8"),
          Map.entry("htm", "text/html; charset=utf-8"),
          Map.entry("js", "text/javascript; charset=utf-8"),
          Map.entry("mjs", "text/javascript; charset=utf-8"),
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("json", "application/json"),
          Map.entry("txt", "text/plain; charset=utf-8"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("wasm", "application/wasm"));

  private final Path root;

  private HttpFiles(Path root) {
    this.root = root;
  }

  /**
   * Opens {@code dir} (resolved to its real path once, as mosquitto does at start-up).
   *
   * @throws BrokerStartException naming the listener and the directory when it cannot be used
   */
  public static HttpFiles open(Path dir, String listener) {
    try {
      Path real = dir.toRealPath();
      if (!Files.isDirectory(real)) {
        throw new BrokerStartException(
            listener + ": http_dir '" + dir + "' is not a directory", null);
      }
      return new HttpFiles(real);
    } catch (IOException e) {
      throw new BrokerStartException(
          listener + ": cannot open http_dir '" + dir + "': no such directory, or not readable", e);
    }
  }

  /** What a GET of {@code path} (the URI's decoded path) finds: a file, or an error status. */
  public Lookup lookup(String path) {
    if (!path.startsWith("/") || path.indexOf('\0') >= 0) {
      return new Lookup(null, HttpResponseStatus.BAD_REQUEST);
    }
    String relative = path.equals("/") ? "index.html" : path.substring(1);
    Path real;
    Path asked;
    try {
      asked = root.resolve(relative);
    } catch (InvalidPathException e) {
      return new Lookup(null, HttpResponseStatus.NOT_FOUND);
    }
    try {
      real = asked.toRealPath();
    } catch (NoSuchFileException | NotDirectoryException e) {
      return new Lookup(null, HttpResponseStatus.NOT_FOUND);
    } catch (AccessDeniedException e) {
      return new Lookup(null, HttpResponseStatus.FORBIDDEN);
    } catch (IOException e) {
      // ENOTDIR ("a.css/x") comes as a plain FileSystemException: missing, as mosquitto says.
      return new Lookup(
          null,
          Files.exists(asked)
              ? HttpResponseStatus.INTERNAL_SERVER_ERROR
              : HttpResponseStatus.NOT_FOUND);
    }
    // Path.startsWith compares whole names: /srv/www2 is not inside /srv/www.
    if (!real.startsWith(root)) {
      return new Lookup(null, HttpResponseStatus.FORBIDDEN);
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) || !Files.isReadable(real)) {
      return new Lookup(null, HttpResponseStatus.FORBIDDEN);
    }
    return new Lookup(real, HttpResponseStatus.OK);
  }

  /** The Content-Type for a file name (mosquitto sends none; browsers want one for modules). */
  static String contentType(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(ext, "application/octet-stream");
  }

  /**
   * The outcome of a lookup.
   *
   * @param file the real path of the file to send; null with an error status
   * @param status OK, or why there is no file
   */
  public record Lookup(Path file, HttpResponseStatus status) {}
}
