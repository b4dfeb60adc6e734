package dev.mqttls.doctor.internal;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Socket streams that count the bytes that cross them, for the cost figures. */
final class CountingStreams {
  private static final int KEEP = 32 * 1024;
  private long received;
  private final java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
  private long sent;
  private IOException writeFailure;

  long bytesIn() {
    return received;
  }

  /** The first bytes received, which hold the server's plaintext handshake messages. */
  byte[] head() {
    return head.toByteArray();
  }

  private void keep(byte[] buf, int off, int n) {
    int room = KEEP - head.size();
    if (room > 0) {
      head.write(buf, off, Math.min(room, n));
    }
  }

  long bytesOut() {
    return sent;
  }

  /** The first write that failed, or null. */
  IOException writeFailure() {
    return writeFailure;
  }

  InputStream wrap(InputStream s) {
    return new FilterInputStream(s) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          received++;
          keep(new byte[] {(byte) b}, 0, 1);
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = in.read(buf, off, len);
        if (n > 0) {
          received += n;
          keep(buf, off, n);
        }
        return n;
      }
    };
  }

  /**
   * Wraps the socket's output so that a failed write is remembered rather than thrown: a server
   * that refuses our certificate sends its alert and closes while we are still writing the rest of
   * the handshake, and the alert it sent is only learned by reading on.
   */
  OutputStream wrap(OutputStream s) {
    return new FilterOutputStream(s) {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] buf, int off, int len) throws IOException {
        if (writeFailure != null) {
          return;
        }
        try {
          out.write(buf, off, len);
          sent += len;
        } catch (IOException e) {
          writeFailure = e;
        }
      }

      @Override
      public void flush() throws IOException {
        if (writeFailure == null) {
          try {
            out.flush();
          } catch (IOException e) {
            writeFailure = e;
          }
        }
      }
    };
  }
}
