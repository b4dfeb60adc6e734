package dev.mqttls.conf;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A configuration as read: its directives in the order mosquitto applies them ({@code include_dir}
 * expanded where it stands).
 *
 * @param file the main file
 * @param directives every directive, from the main file and the files it includes
 * @param skipped what {@link ConfReader#readLenient} could not follow (an {@code include_dir} or an
 *     included file); always empty from the strict readers
 */
public record ConfFile(Path file, List<Directive> directives, List<ConfException> skipped) {
  public ConfFile {
    Objects.requireNonNull(file, "file");
    directives = List.copyOf(directives);
    skipped = List.copyOf(skipped);
  }
}
