package dev.mqttls.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every value parser, and every error reading FILE:LINE: directive: what is wrong. */
class DirectiveTest {
  private static final Path FILE = Path.of("/etc/mqttls/m.conf");

  private static Directive line(String name, String value) {
    return Directive.at(FILE, 7, name, value);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "bool|maybe|must be true or false, got 'maybe'",
        "bool|TRUE|must be true or false, got 'TRUE'",
        "bool||needs a value",
        "bool|true false|takes one value, got 2: true false",
        "integer|abc|'abc' is not a whole number",
        "integer|1.5|'1.5' is not a whole number",
        "integer|0x10|'0x10' is not a whole number",
        "integer|010|'010' has a leading zero, which mosquitto reads as octal; write it without",
        "integer|70000|70000 is out of range 0..65535",
        "integer|-1|-1 is out of range 0..65535",
        "integer|99999999999999999999|'99999999999999999999' is not a whole number",
        "integer||needs a value",
        "bytes|1k|'1k' is not a whole number",
        "bytes|2000|2000 is out of range 0..1000",
        "period|5x|'5x' has unknown unit 'x'; use h, d, w, m (months) or y",
        "period|soon|'soon' is not a duration; write e.g. 12h, 2d, 1w, 6m or 1y",
        "period|d|'d' is not a duration; write e.g. 12h, 2d, 1w, 6m or 1y",
        "period|0d|'0d' must be a positive number of units",
        "period|-2d|'-2d' must be a positive number of units",
        "timeout|soon|expected seconds (10, 10s) or milliseconds (500ms), got 'soon'",
        "timeout|0|expected a timeout from 1 ms to 10 min, got 0",
        "timeout|601s|expected a timeout from 1 ms to 10 min, got 601s",
        "path||needs a value",
        "string||needs a value",
        "word|a b|takes one value, got 2: a b",
        "words|a b c|takes at most 2 values, got 3: a b c",
        "words||needs 1 to 2 values, got 0",
      })
  void badValue_namesFileLineAndDirective(String parser, String value, String problem) {
    Directive d = line("some_directive", value == null ? "" : value);
    assertThatThrownBy(() -> parse(parser, d))
        .isInstanceOf(ConfException.class)
        .hasMessage(FILE + ":7: some_directive: " + problem)
        .satisfies(
            e -> {
              ConfException c = (ConfException) e;
              assertThat(c.file()).contains(FILE);
              assertThat(c.line()).isEqualTo(7);
              assertThat(c.directive()).contains("some_directive");
              assertThat(c.problem()).isEqualTo(problem);
            });
  }

  private static Object parse(String parser, Directive d) throws ConfException {
    return switch (parser) {
      case "bool" -> d.bool();
      case "integer" -> d.integer(0, 65535);
      case "bytes" -> d.bytes(0, 1000);
      case "period" -> d.period();
      case "timeout" -> d.timeout(Duration.ofMillis(1), Duration.ofMinutes(10));
      case "path" -> d.path(null);
      case "string" -> d.string();
      case "word" -> d.word();
      case "words" -> d.words(1, 2);
      default -> throw new IllegalArgumentException(parser);
    };
  }

  @Test
  void goodValues() throws ConfException {
    assertThat(line("x", "true").bool()).isTrue();
    assertThat(line("x", "1").bool()).isTrue(); // as mosquitto
    assertThat(line("x", "false").bool()).isFalse();
    assertThat(line("x", "0").bool()).isFalse();
    assertThat(line("x", "-1").integer(-1, 10)).isEqualTo(-1);
    assertThat(line("x", "65535").integer(0, 65535)).isEqualTo(65535);
    assertThat(line("x", "268435460").bytes(0, Catalogue.MQTT_MAX_PACKET_SIZE))
        .isEqualTo(268_435_460L);
    assertThat(line("x", "12h").period()).isEqualTo(Duration.ofHours(12));
    assertThat(line("x", "2d").period()).isEqualTo(Duration.ofDays(2));
    assertThat(line("x", "1w").period()).isEqualTo(Duration.ofDays(7));
    assertThat(line("x", "6m").period()).isEqualTo(Duration.ofDays(180));
    assertThat(line("x", "1y").period()).isEqualTo(Duration.ofDays(365));
    Duration min = Duration.ofMillis(1);
    Duration max = Duration.ofMinutes(10);
    assertThat(line("x", "10").timeout(min, max)).isEqualTo(Duration.ofSeconds(10));
    assertThat(line("x", "10s").timeout(min, max)).isEqualTo(Duration.ofSeconds(10));
    assertThat(line("x", "500ms").timeout(min, max)).isEqualTo(Duration.ofMillis(500));
    assertThat(line("x", "a  b").words(1, 2)).containsExactly("a", "b");
  }

  @Test
  void path_relativeToTheFilesDirectory_absoluteAsIs_spacesKept() throws ConfException {
    assertThat(line("cafile", "certs/../ca.crt").path(null))
        .isEqualTo(Path.of("/etc/mqttls/ca.crt"));
    assertThat(line("cafile", "/abs/ca.crt").path(Path.of("/ignored")))
        .isEqualTo(Path.of("/abs/ca.crt"));
    assertThat(line("cafile", "my certs/ca.crt").path(null))
        .isEqualTo(Path.of("/etc/mqttls/my certs/ca.crt"));
    // Made in code: relative to the caller's base.
    assertThat(Directive.of("cafile", List.of("ca.crt")).path(Path.of("/base")))
        .isEqualTo(Path.of("/base/ca.crt"));
  }

  @Test
  void directiveMadeInCode_errorsNameOnlyTheDirective() {
    Directive d = Directive.of("max_keepalive", List.of("x"));
    assertThat(d.file()).isEmpty();
    assertThatThrownBy(() -> d.integer(0, 10))
        .isInstanceOf(ConfException.class)
        .hasMessage("max_keepalive: 'x' is not a whole number");
  }

  @Test
  void wholeFileError_hasNoLineOrDirective() {
    ConfException e = ConfException.inFile(FILE, "cannot read: permission denied", null);
    assertThat(e).hasMessage(FILE + ": cannot read: permission denied");
    assertThat(e.line()).isZero();
    assertThat(e.directive()).isEmpty();
  }

  @Test
  void toString_neverShowsTheValue() {
    assertThat(line("keyfile_password", "hunter2").toString())
        .isEqualTo(FILE + ":7: keyfile_password")
        .doesNotContain("hunter2");
  }

  @Test
  void withValue_keepsThePlace() throws ConfException {
    Directive d = line("log_dest", "file logs/a b.log");
    assertThat(d.withValue("logs/a b.log").path(null))
        .isEqualTo(Path.of("/etc/mqttls/logs/a b.log"));
    assertThat(d.withValue("").where()).isEqualTo(d.where());
  }
}
