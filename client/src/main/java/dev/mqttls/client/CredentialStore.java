package dev.mqttls.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Credentials kept by security tag, as Nordic modems keep them: a directory holding one
 * sub-directory per tag and one PEM file per {@link CredentialType}.
 *
 * <p>{@link #provision} reads what is stored, compares, and writes only when the credential
 * differs, so a device that provisions at every boot does not wear its flash. Writes go to a
 * temporary file in the same directory which is then atomically renamed over the old one, so a
 * power cut leaves either the old or the new credential, never half of one. Keys are made readable
 * by their owner only where the file system has POSIX permissions.
 *
 * <p>Instances are safe for use from several threads of one process; two processes provisioning the
 * same tag at once each leave a complete file, the last rename winning.
 */
public final class CredentialStore {
  /** The highest tag accepted, as on Nordic modems (tags are 0 .. 2147483647). */
  public static final int MAX_TAG = Integer.MAX_VALUE;

  private static final Pattern PEM_BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");

  private final Path root;

  private CredentialStore(Path root) {
    this.root = root;
  }

  /**
   * Opens (creating if needed) the store in {@code directory}.
   *
   * @throws UncheckedIOException if the directory cannot be created
   */
  public static CredentialStore open(Path directory) {
    if (directory == null) {
      throw new NullPointerException("directory");
    }
    try {
      Files.createDirectories(directory);
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException(
          "credential store " + directory + " exists and is not a directory", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create credential store " + directory, e);
    }
    return new CredentialStore(directory.toAbsolutePath().normalize());
  }

  /** The directory this store lives in. */
  public Path directory() {
    return root;
  }

  /**
   * Stores {@code pem} under {@code tag} and {@code type} unless the same credential is already
   * stored there. Line endings and surrounding white space do not count as a difference.
   *
   * @throws IllegalArgumentException if the tag is negative or {@code pem} holds no PEM block of
   *     the type's kind (a certificate for certificate types, a private key for the key type)
   * @throws UncheckedIOException if reading or writing the file fails
   */
  public ProvisionResult provision(int tag, CredentialType type, String pem) {
    checkTag(tag);
    if (type == null) {
      throw new NullPointerException("type");
    }
    String normalized = normalize(pem, type);
    byte[] wanted = normalized.getBytes(StandardCharsets.US_ASCII);
    Path file = path(tag, type);
    synchronized (this) {
      try {
        byte[] stored;
        try {
          stored = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
          stored = null;
        }
        if (stored != null && java.util.Arrays.equals(stored, wanted)) {
          return ProvisionResult.UNCHANGED;
        }
        writeAtomically(file, wanted, type.secret());
        return stored == null ? ProvisionResult.CREATED : ProvisionResult.REPLACED;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot provision sec tag " + tag + " " + type, e);
      }
    }
  }

  /** The PEM text stored under {@code tag} and {@code type}, if any. */
  public Optional<String> read(int tag, CredentialType type) {
    checkTag(tag);
    try {
      return Optional.of(Files.readString(path(tag, type), StandardCharsets.US_ASCII));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read sec tag " + tag + " " + type, e);
    }
  }

  /** Whether a credential is stored under {@code tag} and {@code type}. */
  public boolean contains(int tag, CredentialType type) {
    checkTag(tag);
    return Files.isRegularFile(path(tag, type));
  }

  /**
   * The file holding the credential under {@code tag} and {@code type}; it exists only if {@link
   * #contains} says so.
   */
  public Path path(int tag, CredentialType type) {
    checkTag(tag);
    return root.resolve(Integer.toString(tag)).resolve(type.fileName());
  }

  /**
   * Deletes the credential under {@code tag} and {@code type}.
   *
   * @return whether there was one
   */
  public boolean delete(int tag, CredentialType type) {
    checkTag(tag);
    try {
      return Files.deleteIfExists(path(tag, type));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete sec tag " + tag + " " + type, e);
    }
  }

  /** The tags holding at least one credential, in ascending order. */
  public List<Integer> tags() {
    List<Integer> tags = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(root)) {
      dirs.forEach(
          d -> {
            String name = d.getFileName().toString();
            if (name.matches("[0-9]{1,10}") && Files.isDirectory(d)) {
              try {
                int tag = Integer.parseInt(name);
                for (CredentialType t : CredentialType.values()) {
                  if (Files.isRegularFile(d.resolve(t.fileName()))) {
                    tags.add(tag);
                    break;
                  }
                }
              } catch (NumberFormatException ignored) {
                // a name of ten digits above Integer.MAX_VALUE is not one of ours
              }
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list credential store " + root, e);
    }
    tags.sort(null);
    return tags;
  }

  @Override
  public String toString() {
    return "CredentialStore[" + root + "]";
  }

  private static void checkTag(int tag) {
    if (tag < 0) {
      throw new IllegalArgumentException("sec tag must be 0 or more, was " + tag);
    }
  }

  private static String normalize(String pem, CredentialType type) {
    if (pem == null) {
      throw new NullPointerException("pem");
    }
    String text = pem.replace("\r\n", "\n").replace('\r', '\n').strip();
    Matcher m = PEM_BEGIN.matcher(text);
    boolean found = false;
    while (m.find()) {
      if (!type.acceptsLabel(m.group(1))) {
        throw new IllegalArgumentException(
            "a " + type + " must hold only " + expected(type) + " PEM blocks, found " + m.group(1));
      }
      found = true;
    }
    if (!found) {
      throw new IllegalArgumentException(
          "no PEM block in the text given for " + type + " (expected " + expected(type) + ")");
    }
    if (!text.chars().allMatch(c -> c == '\n' || (c >= 0x20 && c < 0x7f))) {
      throw new IllegalArgumentException("PEM text for " + type + " holds non-ASCII characters");
    }
    return text + "\n";
  }

  private static String expected(CredentialType type) {
    return type == CredentialType.CLIENT_KEY ? "private key" : "certificate";
  }

  private static void writeAtomically(Path file, byte[] content, boolean secret)
      throws IOException {
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve("." + file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try {
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        if (secret) {
          restrict(tmp);
        }
        ch.write(java.nio.ByteBuffer.wrap(content));
        // The data must be on the medium before the rename makes it the credential.
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void restrict(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing finer than the directory's own protection is available
    }
  }
}
