package dev.mqttls.broker.internal.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.broker.BrokerStartException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpFilesTest {
  @TempDir Path dir;
  Path www;
  HttpFiles files;

  @BeforeEach
  void files() throws Exception {
    www = Files.createDirectories(dir.resolve("www"));
    Files.writeString(www.resolve("index.html"), "i");
    Files.createDirectories(www.resolve("sub"));
    Files.writeString(www.resolve("sub/a.css"), "a");
    // A sibling whose name starts with the http_dir's: mosquitto's prefix test would let it pass.
    Files.createDirectories(dir.resolve("www2"));
    Files.writeString(dir.resolve("www2/x.html"), "x");
    Files.createSymbolicLink(www.resolve("out"), dir.resolve("www2"));
    files = HttpFiles.open(www, "listener 9001");
  }

  @Test
  void root_isIndexHtml_andFilesAreFound() throws Exception {
    assertThat(files.lookup("/").file()).isEqualTo(www.resolve("index.html").toRealPath());
    assertThat(files.lookup("/sub/a.css").status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(HttpFiles.contentType(www.resolve("sub/a.css"))).startsWith("text/css");
  }

  @Test
  void outsideTheDirectory_isForbidden_evenForASiblingWithTheSamePrefix() {
    assertThat(files.lookup("/../www2/x.html").status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
    assertThat(files.lookup("/out/x.html").status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
    assertThat(files.lookup("/sub/../../www2/x.html").status())
        .isEqualTo(HttpResponseStatus.FORBIDDEN);
  }

  @Test
  void directoriesMissingFilesAndOddPaths() {
    assertThat(files.lookup("/sub").status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
    assertThat(files.lookup("/sub/").status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
    assertThat(files.lookup("/nope.html").status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
    assertThat(files.lookup("/sub/a.css/x").status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
    assertThat(files.lookup("/a\0b").status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
    assertThat(files.lookup("relative").status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
  }

  @Test
  void missingHttpDir_stopsStartUpNamingTheListener() {
    assertThatThrownBy(() -> HttpFiles.open(dir.resolve("none"), "listener 9001"))
        .isInstanceOf(BrokerStartException.class)
        .hasMessageStartingWith("listener 9001: cannot open http_dir");
  }
}
