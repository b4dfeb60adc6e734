package dev.mqttls.doctor.internal;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Socket streams that count the bytes that cross them, for the cost figures. */
final class CountingStreams {
  private long received;
  private long sent;

  long bytesIn() {
    return received;
  }

  long bytesOut() {
    return sent;
  }

  InputStream wrap(InputStream s) {
    return new FilterInputStream(s) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          received++;
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = in.read(buf, off, len);
        if (n > 0) {
          received += n;
        }
        return n;
      }
    };
  }

  OutputStream wrap(OutputStream s) {
    return new FilterOutputStream(s) {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
        sent++;
      }

      @Override
      public void write(byte[] buf, int off, int len) throws IOException {
        out.write(buf, off, len);
        sent += len;
      }
    };
  }
}
