package cn.liangxian.kiosk.device.scanner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A QR / payment-code scanner that sends each code as a line: a serial scanner, or a keyboard-wedge scanner
 * typing into the agent's terminal. CR, LF or CR LF end a code; blank lines and over-long lines (a stuck
 * trigger, line noise) are dropped. Codes are never logged: a payment code is money.
 *
 * <p>A scanner on a line of its own (a serial port) is opened by the scanner's thread, not before: one missing at start
 * or unplugged later is a fault the heartbeat reports, never a kiosk that cannot start; its line is opened again after
 * a pause until it answers, as the ID-card reader's is.
 */
public final class LineScanner implements AutoCloseable {

  static final int MAX = 512;
  private static final Logger LOG = LoggerFactory.getLogger(LineScanner.class);
  /** How long after a line that would not open, or failed, it is opened again. */
  public static final Duration RETRY = Duration.ofSeconds(5);

  /** Opens the scanner's line (closing the stream closes the line). */
  @FunctionalInterface
  public interface Line {
    InputStream open() throws IOException;
  }

  private final Line line;
  /** 0: one stream, read to its end and not opened again (the agent's terminal). */
  private final long retryMillis;
  private final Consumer<String> onCode;
  private final Thread thread;
  private volatile InputStream in;
  private volatile boolean running = true;
  private final cn.liangxian.kiosk.device.DeviceHealth health;

  /** Codes from one stream, to its end (the agent's terminal). */
  public LineScanner(InputStream in, Consumer<String> onCode) {
    this(() -> in, 0L, onCode);
  }

  /** Codes from a line opened by the scanner's thread, and opened again {@code retry} after it fails or ends. */
  public LineScanner(Line line, Duration retry, Consumer<String> onCode) {
    this(line, Math.max(1, retry.toMillis()), onCode);
  }

  private LineScanner(Line line, long retryMillis, Consumer<String> onCode) {
    this.line = line;
    this.retryMillis = retryMillis;
    this.health = new cn.liangxian.kiosk.device.DeviceHealth(LOG, "scanner",
        retryMillis == 0 ? "" : "its line opened again every " + retryMillis + " ms");
    this.onCode = onCode;
    this.thread = new Thread(this::run, "scanner");
    this.thread.setDaemon(true);
  }

  public LineScanner start() {
    thread.start();
    return this;
  }

  /** Whether the scanner's line is open and answers (true until the first try says otherwise). */
  public boolean healthy() {
    return health.healthy();
  }

  private void run() {
    while (running) {
      try {
        in = line.open();
      } catch (IOException | RuntimeException e) {
        health.fault(e, running);
        if (retryMillis == 0 || !pause()) {
          return;
        }
        continue;
      }
      if (!running) {
        closeQuietly(in); // closed while the line was being opened
        return;
      }
      health.well();
      try {
        read(in);
        if (retryMillis == 0) {
          return; // the terminal's input ended
        }
        // a serial line does not end while its scanner is there
        health.fault(new IOException("the scanner's line ended"), running);
      } catch (IOException e) {
        if (retryMillis == 0) {
          LOG.warn("scanner stopped: {}", e.toString());
          return;
        }
        health.fault(e, running);
      }
      closeQuietly(in);
      if (!pause()) {
        return;
      }
    }
  }

  private void read(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    boolean overflow = false;
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
  }

  /** False when the scanner was closed meanwhile. */
  private boolean pause() {
    try {
      Thread.sleep(retryMillis);
      return running;
    } catch (InterruptedException e) {
      return false;
    }
  }

  private static void closeQuietly(InputStream s) {
    try {
      s.close();
    } catch (IOException e) {
      // the line is gone already
    }
  }

  @Override
  public void close() throws IOException {
    running = false;
    thread.interrupt();
    InputStream s = in;
    if (s != null) {
      s.close();
    }
  }
}
