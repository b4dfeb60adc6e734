package dev.mqttls.pki.internal;

import dev.mqttls.pki.PkiException;
import dev.mqttls.pki.PkiException.Reason;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes changes to one CA directory, across processes (an OS file lock on {@code .lock}) and
 * across threads of this JVM (file locks are per process, so a second lock in the same JVM would
 * throw instead of waiting).
 */
public final class DirectoryLock implements AutoCloseable {
  private static final ConcurrentHashMap<Path, ReentrantLock> LOCAL = new ConcurrentHashMap<>();

  private final ReentrantLock local;
  private final FileChannel channel;
  private final FileLock fileLock;

  private DirectoryLock(ReentrantLock local, FileChannel channel, FileLock fileLock) {
    this.local = local;
    this.channel = channel;
    this.fileLock = fileLock;
  }

  /** Waits for and takes the lock of the CA directory. */
  public static DirectoryLock acquire(Path dir) {
    Path key = dir.toAbsolutePath().normalize();
    ReentrantLock local = LOCAL.computeIfAbsent(key, k -> new ReentrantLock());
    local.lock();
    if (local.getHoldCount() > 1) {
      // Re-entered by the same thread: the file lock is already ours.
      return new DirectoryLock(local, null, null);
    }
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              key.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      return new DirectoryLock(local, channel, channel.lock());
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      local.unlock();
      throw new PkiException(
          Reason.IO, "cannot lock " + key.resolve(".lock") + ": " + Keys.oneLine(e), e);
    }
  }

  @Override
  public void close() {
    try {
      if (fileLock != null) {
        try {
          fileLock.release();
        } catch (IOException ignored) {
          // Closing the channel releases it too.
        }
      }
      closeQuietly(channel);
    } finally {
      local.unlock();
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Nothing more to release.
      }
    }
  }
}
