package dev.mqttls.conf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Jazzer target for the configuration reader and every value parser: whatever a file holds, reading
 * it and checking each directive against the catalogue ends in values or a {@link ConfException};
 * any other exception is a finding. Seeds are real configuration: the catalogue's example line for
 * each directive, the uncommented lines of mosquitto 2.0's example mosquitto.conf, a TLS listener
 * and a file with CRLF line ends and bad values.
 */
class ConfReaderFuzzTest {
  private static final Path FILE;

  static {
    try {
      FILE = Files.createTempDirectory("conf-fuzz").resolve("mqttls.conf");
      FILE.getParent().toFile().deleteOnExit();
      FILE.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "4m")
  void read(byte[] input) throws IOException {
    Files.write(FILE, input);
    try {
      ConfReader.read(FILE);
    } catch (ConfException expected) {
      // the documented refusal
    }
    ConfFile conf;
    try {
      conf = ConfReader.readLenient(FILE);
    } catch (ConfException expected) {
      return;
    }
    for (Directive d : conf.directives()) {
      Optional<DirectiveSpec> spec = Catalogue.lookup(d.name());
      if (spec.isPresent()) {
        refusedOrRead(() -> spec.get().check(d));
      }
      refusedOrRead(d::string);
      refusedOrRead(d::word);
      refusedOrRead(() -> d.words(0, 3));
      refusedOrRead(d::bool);
      refusedOrRead(() -> d.integer(-1, 65535));
      refusedOrRead(() -> d.integer(Long.MIN_VALUE, Long.MAX_VALUE));
      refusedOrRead(() -> d.bytes(0, Long.MAX_VALUE));
      refusedOrRead(d::period);
      refusedOrRead(() -> d.timeout(Duration.ofMillis(1), Duration.ofDays(1)));
      refusedOrRead(() -> d.path(FILE.getParent()));
      refusedOrRead(() -> d.path(null));
    }
  }

  private interface Parse {
    void run() throws ConfException;
  }

  private static void refusedOrRead(Parse p) {
    try {
      p.run();
    } catch (ConfException expected) {
      // the documented refusal
    }
  }
}
