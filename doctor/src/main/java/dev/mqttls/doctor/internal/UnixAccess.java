package dev.mqttls.doctor.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether another Unix user could read a file, from its POSIX bits and those of every directory
 * above it, with group membership taken from /etc/passwd and /etc/group. Used to predict "Unable to
 * load server key file" before the broker (which drops to its own user) hits it.
 */
final class UnixAccess {
  private UnixAccess() {}

  /** Why a user cannot read a file: what blocks, and whether it is a directory on the way. */
  record Denied(String why, Path at, boolean directory) {}

  /** Null when {@code user} can read {@code realFile}, else why not. */
  static Denied whyUnreadable(Path realFile, String user) {
    Set<String> groups = groupsOf(user);
    try {
      for (Path dir = realFile.getParent(); dir != null; dir = dir.getParent()) {
        if (!allowed(
            dir,
            user,
            groups,
            PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_EXECUTE)) {
          return new Denied(
              "the directory " + dir + " (" + describe(dir) + ") does not let it through",
              dir,
              true);
        }
      }
      if (!allowed(
          realFile,
          user,
          groups,
          PosixFilePermission.OWNER_READ,
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.OTHERS_READ)) {
        return new Denied("the file is " + describe(realFile), realFile, false);
      }
      return null;
    } catch (IOException | UnsupportedOperationException e) {
      return null; // Not a POSIX file system: nothing to predict.
    }
  }

  private static boolean allowed(
      Path p,
      String user,
      Set<String> groups,
      PosixFilePermission owner,
      PosixFilePermission group,
      PosixFilePermission others)
      throws IOException {
    PosixFileAttributes a =
        Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    Set<PosixFilePermission> perms = a.permissions();
    if (a.owner().getName().equals(user)) {
      return perms.contains(owner);
    }
    if (groups.contains(a.group().getName())) {
      return perms.contains(group);
    }
    return perms.contains(others);
  }

  private static String describe(Path p) throws IOException {
    PosixFileAttributes a =
        Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return a.owner().getName()
        + ":"
        + a.group().getName()
        + " "
        + PosixFilePermissions.toString(a.permissions());
  }

  /** The user's primary and supplementary groups by name; empty if the user is unknown. */
  static Set<String> groupsOf(String user) {
    Set<String> out = new HashSet<>();
    String gid = null;
    for (String line : lines(Path.of("/etc/passwd"))) {
      String[] f = line.split(":", -1);
      if (f.length > 3 && f[0].equals(user)) {
        gid = f[3];
      }
    }
    for (String line : lines(Path.of("/etc/group"))) {
      String[] f = line.split(":", -1);
      if (f.length > 3) {
        if (f[2].equals(gid) || List.of(f[3].split(",")).contains(user)) {
          out.add(f[0]);
        }
      }
    }
    return out;
  }

  /** True when the user exists in /etc/passwd. */
  static boolean userExists(String user) {
    return lines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(user + ":"));
  }

  private static List<String> lines(Path p) {
    try {
      return Files.readAllLines(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of();
    }
  }
}
