package cn.liangxian.kiosk;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port that refuses every connection for as long as the test holds it: a socket bound there that
 * never listens. Unlike a port that was freed, nothing else can bind it meanwhile (no SO_REUSEADDR), so
 * "unreachable" stays unreachable on a busy machine.
 */
public final class RefusedPort implements AutoCloseable {

  private final Socket held = new Socket();

  public RefusedPort() throws IOException {
    held.setReuseAddress(false);
    held.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  public int port() {
    return held.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    held.close();
  }
}
