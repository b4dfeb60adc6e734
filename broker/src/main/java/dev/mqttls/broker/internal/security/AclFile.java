package dev.mqttls.broker.internal.security;

import dev.mqttls.broker.ConfigException;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Mosquitto {@code acl_file} (mosquitto.conf(5), "acl_file"): {@code topic [read|write|readwrite|
 * deny] TOPIC} lines before any {@code user} line apply to anonymous clients; {@code user NAME}
 * starts that user's block; {@code pattern [ACCESS] TOPIC} lines apply to everyone, with a level of
 * {@code %c} standing for the client id and {@code %u} for the user name. Without an access word
 * the access is readwrite; the rest of the line is the topic, spaces included. Parsed once into
 * split levels; {@link ClientAcl} resolves the patterns per connection. Immutable.
 */
public final class AclFile {
  public static final int READ = 1;
  public static final int WRITE = 2;
  public static final int DENY = 0;

  /** One rule: the topic filter split into levels, and the access it grants (or DENY). */
  public record Rule(String[] levels, int access, String topic) {
    @Override
    public String toString() {
      return access + " " + topic;
    }
  }

  private final Path file;
  private final List<Rule> anonymous;
  private final Map<String, List<Rule>> users;
  private final List<Rule> patterns;

  private AclFile(
      Path file, List<Rule> anonymous, Map<String, List<Rule>> users, List<Rule> patterns) {
    this.file = file;
    this.anonymous = anonymous;
    this.users = users;
    this.patterns = patterns;
  }

  public static AclFile read(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (MalformedInputException e) {
      throw new ConfigException(file + ": acl_file is not UTF-8 text", e);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read acl_file: " + unreadable(e), e);
    }
    return parse(text, file);
  }

  /** Why the file cannot be read, in words with what to do; no Java exception names. */
  private static String unreadable(IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file; check the path in acl_file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied; the broker's user needs to be able to read it";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason().toLowerCase(java.util.Locale.ROOT);
    }
    // a plain IOException carries the OS's words, e.g. "Is a directory"
    return e.getMessage() == null
        ? "input/output error"
        : e.getMessage().toLowerCase(java.util.Locale.ROOT);
  }

  public static AclFile parse(String text, Path file) throws ConfigException {
    List<Rule> anonymous = new ArrayList<>();
    Map<String, List<Rule>> users = new HashMap<>();
    List<Rule> patterns = new ArrayList<>();
    List<Rule> current = anonymous;
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = file + ":" + (i + 1) + ": ";
      String[] kw = line.split("\\s+", 2);
      String rest = kw.length > 1 ? kw[1].strip() : "";
      switch (kw[0]) {
        case "user" -> {
          if (rest.isEmpty()) {
            throw new ConfigException(where + "user: needs a user name");
          }
          current = users.computeIfAbsent(rest, u -> new ArrayList<>());
        }
        case "topic", "pattern" -> {
          if (rest.isEmpty()) {
            throw new ConfigException(where + kw[0] + ": needs a topic");
          }
          String[] aw = rest.split("\\s+", 2);
          int access;
          String topic;
          if (aw.length == 1) {
            access = READ | WRITE;
            topic = aw[0];
          } else {
            topic = aw[1].strip();
            access =
                switch (aw[0]) {
                  case "read" -> READ;
                  case "write" -> WRITE;
                  case "readwrite" -> READ | WRITE;
                  case "deny" -> DENY;
                  default ->
                      throw new ConfigException(
                          where
                              + kw[0]
                              + ": unknown access '"
                              + aw[0]
                              + "'; use read, write, readwrite or deny");
                };
          }
          String bad = filterProblem(topic);
          if (bad != null) {
            throw new ConfigException(
                where + kw[0] + ": '" + topic + "' is not a topic filter: " + bad);
          }
          Rule r = new Rule(topic.split("/", -1), access, topic);
          add(kw[0].equals("pattern") ? patterns : current, r);
        }
        default ->
            throw new ConfigException(
                where + "unknown keyword '" + kw[0] + "'; use topic, pattern or user");
      }
    }
    Map<String, List<Rule>> frozen = new HashMap<>();
    users.forEach((u, rules) -> frozen.put(u, List.copyOf(rules)));
    return new AclFile(file, List.copyOf(anonymous), Map.copyOf(frozen), List.copyOf(patterns));
  }

  /** Mosquitto checks deny rules first: they go to the front, the rest keep file order. */
  private static void add(List<Rule> list, Rule r) {
    if (r.access() == DENY) {
      int i = 0;
      while (i < list.size() && list.get(i).access() == DENY) {
        i++;
      }
      list.add(i, r);
    } else {
      list.add(r);
    }
  }

  private static String filterProblem(String f) {
    if (f.isEmpty()) {
      return "empty";
    }
    String[] levels = f.split("/", -1);
    for (int i = 0; i < levels.length; i++) {
      String l = levels[i];
      if (l.equals("#")) {
        if (i != levels.length - 1) {
          return "'#' must be the last level";
        }
      } else if (!l.equals("+") && (l.contains("+") || l.contains("#"))) {
        return "a wildcard must be a whole level";
      }
    }
    return null;
  }

  public Path file() {
    return file;
  }

  /** The rules of a user's block; for {@code null} the anonymous block; null when none. */
  public List<Rule> rulesOf(String user) {
    return user == null ? anonymous : users.get(user);
  }

  public List<Rule> patterns() {
    return patterns;
  }
}
