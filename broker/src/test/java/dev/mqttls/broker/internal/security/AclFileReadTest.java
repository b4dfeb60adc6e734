package dev.mqttls.broker.internal.security;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An acl_file that cannot be read: the path and the cause in words, no Java class names. */
class AclFileReadTest {
  @TempDir Path dir;

  @Test
  void missingFile_isNamedWithTheCauseInWords() {
    Path none = dir.resolve("none.acl");
    assertThatThrownBy(() -> AclFile.read(none))
        .hasMessage(none + ": cannot read acl_file: no such file; check the path in acl_file");
  }

  @Test
  void aDirectory_saysSo() {
    assertThatThrownBy(() -> AclFile.read(dir))
        .hasMessage(dir + ": cannot read acl_file: is a directory")
        .hasMessageNotContaining("Exception");
  }
}
