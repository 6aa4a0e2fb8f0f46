package cn.liangxian.kiosk.device.printer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A network printer's raw port (9100). A status answer that does not come in time counts as offline. */
public final class TcpPrinterLine implements PrinterLine {
  private final Socket socket;

  private TcpPrinterLine(Socket socket) {
    this.socket = socket;
  }

  public static PrinterLine.Opener opener(String host, int port, int timeoutMillis) {
    return () -> {
      Socket s = new Socket();
      s.connect(new InetSocketAddress(host, port), timeoutMillis);
      s.setSoTimeout(timeoutMillis);
      s.setTcpNoDelay(true);
      return new TcpPrinterLine(s);
    };
  }

  @Override
  public InputStream in() {
    try {
      return socket.getInputStream();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public OutputStream out() {
    try {
      return socket.getOutputStream();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
