package dev.mqttls.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.conf.DirectiveSpec.Kind;
import dev.mqttls.conf.DirectiveSpec.Section;
import dev.mqttls.conf.DirectiveSpec.Support;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CatalogueTest {
  private static final Path FILE = Path.of("/etc/mqttls/m.conf");

  @Test
  void everyEntry_hasAMeaning_andItsExampleFitsItsKind() throws ConfException {
    for (DirectiveSpec s : Catalogue.all()) {
      assertThat(s.meaning()).as(s.name()).isNotBlank().doesNotContain("\n");
      assertThat(s.meaning().length()).as(s.name()).isLessThan(100);
      s.check(Directive.at(FILE, 1, s.name(), s.example()));
      if (s.kind() == Kind.INTEGER || s.kind() == Kind.BYTES) {
        assertThat(s.min()).as(s.name()).isLessThan(s.max());
      }
    }
  }

  @Test
  void lookup_knownUnknownAndPluginOptions() {
    assertThat(Catalogue.lookup("cafile").orElseThrow().section()).isEqualTo(Section.LISTENER);
    assertThat(Catalogue.lookup("allow_anonymous").orElseThrow().section())
        .isEqualTo(Section.GLOBAL);
    assertThat(Catalogue.lookup("plugin_opt_db_host").orElseThrow().support())
        .isEqualTo(Support.NOT_YET);
    assertThat(Catalogue.lookup("plugin_opt_")).isEmpty();
    assertThat(Catalogue.lookup("CAFILE")).isEmpty();
    assertThat(Catalogue.accepted("user")).isTrue();
    assertThat(Catalogue.accepted("memory_limit")).isFalse();
    assertThat(Catalogue.accepted("bogus")).isFalse();
  }

  @Test
  void table_readsRangesAndKinds() {
    DirectiveSpec s = Catalogue.lookup("max_packet_size").orElseThrow();
    assertThat(s.kind()).isEqualTo(Kind.BYTES);
    assertThat(s.max()).isEqualTo(Catalogue.MQTT_MAX_PACKET_SIZE);
    assertThat(Catalogue.lookup("max_connections").orElseThrow().min()).isEqualTo(-1);
    assertThat(Catalogue.lookup("topic").orElseThrow().section()).isEqualTo(Section.BRIDGE);
    assertThat(Catalogue.lookup("pid_file").orElseThrow().meaning()).contains("process id");
  }

  @Test
  void spec_unknownDirective_namesFileAndLine() {
    assertThatThrownBy(() -> Catalogue.spec(Directive.at(FILE, 4, "bogus", "1")))
        .isInstanceOf(ConfException.class)
        .hasMessage(FILE + ":4: bogus: unknown directive");
  }

  @Test
  void check_usesTheCataloguesRange() {
    DirectiveSpec s = Catalogue.lookup("max_keepalive").orElseThrow();
    assertThatThrownBy(() -> s.check(Directive.at(FILE, 2, "max_keepalive", "70000")))
        .hasMessage(FILE + ":2: max_keepalive: 70000 is out of range 0..65535");
  }
}
