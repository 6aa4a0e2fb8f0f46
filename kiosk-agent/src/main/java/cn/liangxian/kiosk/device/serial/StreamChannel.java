package cn.liangxian.kiosk.device.serial;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;

/** A pair of streams as a byte channel: a socket whose reads time out, so a silent device cannot hang a poll. */
public final class StreamChannel implements ByteChannel {
  private final InputStream in;
  private final OutputStream out;
  private final Closeable closer;
  private volatile boolean open = true;

  public StreamChannel(InputStream in, OutputStream out, Closeable closer) {
    this.in = in;
    this.out = out;
    this.closer = closer;
  }

  public static StreamChannel tcp(String host, int port, int readTimeoutMillis) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(host, port), readTimeoutMillis);
    s.setSoTimeout(readTimeoutMillis);
    s.setTcpNoDelay(true);
    return new StreamChannel(s.getInputStream(), s.getOutputStream(), s);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    byte[] b = new byte[dst.remaining()];
    int n = in.read(b);
    if (n > 0) {
      dst.put(b, 0, n);
    }
    return n;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    byte[] b = new byte[src.remaining()];
    src.get(b);
    out.write(b);
    out.flush();
    return b.length;
  }

  public InputStream inputStream() {
    return in;
  }

  public OutputStream outputStream() {
    return out;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() throws IOException {
    open = false;
    closer.close();
  }
}
