package dev.mqttls.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tokenizer and include_dir, against what mosquitto 2 does with the same text. */
class ConfReaderTest {
  private static final Path FILE = Path.of("/etc/mqttls/main.conf");

  @TempDir Path dir;

  private static List<Directive> tokens(String text) {
    return ConfReader.tokenize(text, FILE);
  }

  @Test
  void tokenize_nameThenRestOfLine_withFileAndLine() {
    List<Directive> d = tokens("allow_anonymous true\n\ncertfile /etc/my certs/server.crt\n");
    assertThat(d).hasSize(2);
    assertThat(d.get(0).name()).isEqualTo("allow_anonymous");
    assertThat(d.get(0).value()).isEqualTo("true");
    assertThat(d.get(0).line()).isEqualTo(1);
    assertThat(d.get(0).file()).contains(FILE);
    // No quoting in mosquitto: a path keeps its spaces.
    assertThat(d.get(1).value()).isEqualTo("/etc/my certs/server.crt");
    assertThat(d.get(1).line()).isEqualTo(3);
    assertThat(d.get(1).where()).isEqualTo(FILE + ":3: certfile");
  }

  @Test
  void tokenize_commentsOnlyAtTheStartOfALine() {
    List<Directive> d =
        tokens("# a comment\n   # indented comment\nlog_dest file /tmp/a#b.log\n#listener 1\n");
    assertThat(d).hasSize(1);
    // A '#' after a value is part of the value, as in mosquitto.
    assertThat(d.get(0).value()).isEqualTo("file /tmp/a#b.log");
    assertThat(d.get(0).line()).isEqualTo(3);
  }

  @Test
  void tokenize_crlfTabsAndSurroundingBlanks() {
    List<Directive> d = tokens("  max_keepalive\t 60  \r\nlistener  8883   127.0.0.1\r\n");
    assertThat(d).extracting(Directive::name).containsExactly("max_keepalive", "listener");
    assertThat(d.get(0).value()).isEqualTo("60");
    assertThat(d.get(1).words()).containsExactly("8883", "127.0.0.1");
    assertThat(d.get(1).line()).isEqualTo(2);
  }

  @Test
  void tokenize_noLineContinuation_aTrailingBackslashIsPartOfTheValue() {
    List<Directive> d = tokens("ciphers A:\\\nB\n");
    assertThat(d).extracting(Directive::name).containsExactly("ciphers", "B");
    assertThat(d.get(0).value()).isEqualTo("A:\\");
  }

  @Test
  void tokenize_nameWithoutValue_andEmptyText() {
    assertThat(tokens("")).isEmpty();
    assertThat(tokens("\n\n   \n")).isEmpty();
    List<Directive> d = tokens("retain_available\n");
    assertThat(d.get(0).value()).isEmpty();
    assertThat(d.get(0).words()).isEmpty();
  }

  @Test
  void tokenize_namesAreCaseSensitive() {
    assertThat(tokens("CAFILE x\n").get(0).name()).isEqualTo("CAFILE");
  }

  @Test
  void includeDir_filesInMosquittosOrder_whereTheDirectiveStands() throws Exception {
    Path d = Files.createDirectories(dir.resolve("conf.d"));
    // mosquitto.conf(5): b.conf A.conf 01.conf a.conf B.conf 00.conf load as 00 01 A a B b.
    for (String n : List.of("b", "A", "01", "a", "B", "00")) {
      Files.writeString(d.resolve(n + ".conf"), "persistence_file " + n + "\n");
    }
    Files.writeString(d.resolve(".conf"), "not read: the name is only the extension\n");
    Files.writeString(d.resolve("x.conf.bak"), "not read\n");
    Files.writeString(d.resolve("X.CONF"), "not read: the extension is case-sensitive\n");
    Files.createDirectories(d.resolve("sub.conf"));
    Path main = dir.resolve("main.conf");
    Files.writeString(main, "user root\ninclude_dir conf.d\nmax_keepalive 5\n");
    ConfFile f = ConfReader.read(main);
    List<String> seen = new ArrayList<>();
    for (Directive x : f.directives()) {
      seen.add(x.name() + " " + x.value());
    }
    assertThat(seen)
        .containsExactly(
            "user root",
            "include_dir conf.d",
            "persistence_file 00",
            "persistence_file 01",
            "persistence_file A",
            "persistence_file a",
            "persistence_file B",
            "persistence_file b",
            "max_keepalive 5");
    assertThat(f.directives().get(2).file()).contains(d.resolve("00.conf"));
    assertThat(f.directives().get(2).line()).isEqualTo(1);
  }

  @Test
  void includeDir_orderComparator() {
    List<String> names = new ArrayList<>(List.of("b", "A", "01", "a", "B", "00", "ab", "Ab", "a"));
    names.sort(ConfReader.INCLUDE_ORDER);
    // Character by character, as mosquitto's scmp_p: at the first letter that differs only in
    // case, upper case wins, so "Ab" sorts before "a".
    assertThat(names).containsExactly("00", "01", "A", "Ab", "a", "a", "ab", "B", "b");
  }

  @Test
  void includeDir_onlyFromTheMainFile() throws Exception {
    Path d = Files.createDirectories(dir.resolve("conf.d"));
    Files.writeString(d.resolve("a.conf"), "\ninclude_dir .\n");
    Path main = dir.resolve("main.conf");
    Files.writeString(main, "include_dir conf.d\n");
    assertThatThrownBy(() -> ConfReader.read(main))
        .isInstanceOf(ConfException.class)
        .hasMessage(
            d.resolve("a.conf")
                + ":2: include_dir: only valid in the main configuration file, as in mosquitto");
  }

  @Test
  void includeDir_missingDirectory_namesTheLine() throws Exception {
    Path main = dir.resolve("main.conf");
    Files.writeString(main, "# x\ninclude_dir nowhere\n");
    assertThatThrownBy(() -> ConfReader.read(main))
        .hasMessage(main + ":2: include_dir: '" + dir.resolve("nowhere") + "' is not a directory");
    assertThatThrownBy(() -> ConfReader.parse("include_dir\n", main))
        .hasMessage(main + ":1: include_dir: needs a value");
  }

  @Test
  void readLenient_recordsWhatItCouldNotFollow_andReadsTheRest() throws Exception {
    Path d = Files.createDirectories(dir.resolve("conf.d"));
    Files.write(d.resolve("bad.conf"), new byte[] {(byte) 0xff, (byte) 0xfe, 'x'});
    Files.writeString(d.resolve("good.conf"), "max_keepalive 9\n");
    Path main = dir.resolve("main.conf");
    Files.writeString(main, "include_dir nowhere\ninclude_dir conf.d\nuser root\n");
    ConfFile f = ConfReader.readLenient(main);
    assertThat(f.directives())
        .extracting(Directive::name)
        .containsExactly("include_dir", "include_dir", "max_keepalive", "user");
    assertThat(f.skipped())
        .extracting(Throwable::getMessage)
        .containsExactly(
            main + ":1: include_dir: '" + dir.resolve("nowhere") + "' is not a directory",
            d.resolve("bad.conf") + ": not UTF-8 text; is this a configuration file?");
    assertThatThrownBy(() -> ConfReader.read(main)).isInstanceOf(ConfException.class);
  }

  @Test
  void unreadableMainFile_namesItInWords() throws IOException {
    Path missing = dir.resolve("absent.conf");
    assertThatThrownBy(() -> ConfReader.readLenient(missing))
        .isInstanceOf(ConfException.class)
        .hasMessage(missing + ": cannot read: no such file or directory");
    Path binary = dir.resolve("bin.conf");
    Files.write(binary, new byte[] {'a', 0, 'b'});
    assertThatThrownBy(() -> ConfReader.read(binary))
        .hasMessage(binary + ": holds NUL bytes; is this a configuration file?");
  }

  @Test
  void parse_pretendFile_namesItAndResolvesAgainstIt() throws Exception {
    ConfFile f = ConfReader.parse("password_file pw\n", FILE);
    Directive d = f.directives().get(0);
    assertThat(d.where()).isEqualTo(FILE + ":1: password_file");
    assertThat(d.path(null)).isEqualTo(Path.of("/etc/mqttls/pw"));
  }
}
