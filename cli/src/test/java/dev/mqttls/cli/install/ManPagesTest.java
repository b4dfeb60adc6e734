package dev.mqttls.cli.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Man pages from the command tree, and what {@code mqttls install} refuses. */
class ManPagesTest {
  @Test
  void everyCommandHasAPage_helpHasNone() {
    Map<String, String> pages = ManPages.render(Main.commandLine(), "9.9.9");
    assertThat(pages)
        .containsKeys(
            "mqttls",
            "mqttls-broker",
            "mqttls-pub",
            "mqttls-sub",
            "mqttls-shell",
            "mqttls-doctor",
            "mqttls-install",
            "mqttls-pki",
            "mqttls-pki-init",
            "mqttls-pki-export")
        .doesNotContainKey("mqttls-help");
    pages.forEach(
        (name, page) ->
            assertThat(page)
                .as(name)
                .startsWith(".TH \"" + name.toUpperCase(java.util.Locale.ROOT).replace("-", "\\-"))
                .contains("\"mqttls 9.9.9\"", ".SH NAME\n", ".SH SYNOPSIS\n", ".SH SEE ALSO\n"));
    assertThat(pages.get("mqttls-broker"))
        .contains("\\fB\\-c\\fR, \\fB\\-\\-config\\-file\\fR=\\fIFILE\\fR\n")
        .contains(".SH EXIT STATUS\n", "\\fBmosquitto.conf\\fR(5)");
    assertThat(pages.get("mqttls")).contains(".SH COMMANDS\n", "\\fBmqttls\\-broker\\fR(1)");
  }

  @Command(
      name = "odd",
      description = {".TH looks like a request", "a back\\slash and 100%% and%nbreak"})
  static final class Odd implements Runnable {
    @Option(names = "--x", description = "'quoted start")
    boolean x;

    @Override
    public void run() {}
  }

  @Test
  void textThatLooksLikeTroff_isEscaped() {
    String page = ManPages.render(new CommandLine(new Odd()), "1").get("odd");
    assertThat(page)
        .contains("odd \\- \\&.TH looks like a request\n")
        .contains("a back\\eslash and 100% and\n")
        .contains("\\&'quoted start\n")
        .doesNotContain("%n");
  }

  @Test
  void install_fromClassesNotAJar_refusedInOneLine() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    int exit;
    try (PrintStream capture = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      System.setErr(capture);
      exit = Main.run("install", "--prefix", "/nonexistent/never-written");
    } finally {
      System.setErr(saved);
    }
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "Error: mqttls install copies the jar it runs from, and this one runs from classes:"
                + " use ./mqttls install (it builds the jar first).\n");
  }
}
