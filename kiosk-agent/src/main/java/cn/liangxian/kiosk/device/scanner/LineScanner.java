package cn.liangxian.kiosk.device.scanner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A QR / payment-code scanner that sends each code as a line: a serial scanner, or a keyboard-wedge scanner
 * typing into the agent's terminal. CR, LF or CR LF end a code; blank lines and over-long lines (a stuck
 * trigger, line noise) are dropped. Codes are never logged: a payment code is money.
 */
public final class LineScanner implements AutoCloseable {

  static final int MAX = 512;
  private static final Logger LOG = LoggerFactory.getLogger(LineScanner.class);

  private final InputStream in;
  private final Consumer<String> onCode;
  private final Thread thread;

  public LineScanner(InputStream in, Consumer<String> onCode) {
    this.in = in;
    this.onCode = onCode;
    this.thread = new Thread(this::run, "scanner");
    this.thread.setDaemon(true);
  }

  public LineScanner start() {
    thread.start();
    return this;
  }

  private void run() {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    boolean overflow = false;
    try {
      int b;
      while ((b = in.read()) >= 0) {
        if (b == '\r' || b == '\n') {
          if (!overflow && line.size() > 0) {
            String code = line.toString(StandardCharsets.UTF_8).strip();
            if (!code.isEmpty()) {
              onCode.accept(code);
            }
          } else if (overflow) {
            LOG.info("scanner: dropped an over-long line");
          }
          line.reset();
          overflow = false;
        } else if (line.size() >= MAX) {
          overflow = true;
        } else {
          line.write(b);
        }
      }
    } catch (IOException e) {
      LOG.warn("scanner stopped: {}", e.toString());
    }
  }

  @Override
  public void close() throws IOException {
    thread.interrupt();
    in.close();
  }
}
