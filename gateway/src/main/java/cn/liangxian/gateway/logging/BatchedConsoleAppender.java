package cn.liangxian.gateway.logging;

import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.Flushable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The console (standard output), written a buffer at a time: the lines of the last {@code flushMillis} (200 by default) go
 * out together in one write, or sooner when {@code bufferSize} bytes (64 KiB) are waiting, and every one on {@link #stop}.
 *
 * <p>Logback's {@code ConsoleAppender} writes each line through {@code System.out}, which flushes every write: a system call
 * a line. With a line a request (the access log) at thousands of requests a second, that was a fifth of the gateway's CPU
 * for a lookup ({@code loadtest/README.md}). Meant behind an {@code AsyncAppender}, as in the gateway's {@code logback.xml}:
 * a full buffer is written by the appender's own thread, never an event loop. A line reaches the console at most
 * {@code flushMillis} after it was written; what a process killed outright had not yet flushed is lost with it, as what
 * the asynchronous queue held always was. The gateway stops the logging (and so flushes) as its last step
 * ({@link Logs#stop}).
 */
public final class BatchedConsoleAppender<E> extends OutputStreamAppender<E> implements Flushable {
  private int bufferSize = 64 * 1024;
  private long flushMillis = 200;
  private OutputStream target;
  private ScheduledExecutorService flusher;

  /** Where the lines go (tests); standard output when none is set. */
  void setTarget(OutputStream target) {
    this.target = target;
  }

  public void setBufferSize(int bytes) {
    this.bufferSize = bytes;
  }

  public void setFlushMillis(long millis) {
    this.flushMillis = millis;
  }

  @Override
  public void start() {
    if (bufferSize < 1 || flushMillis < 1) {
      addError("bufferSize and flushMillis must be positive (are " + bufferSize + " and " + flushMillis + ")");
      return;
    }
    OutputStream out = target != null ? target : new FileOutputStream(FileDescriptor.out);
    setOutputStream(new BufferedOutputStream(new Forgiving(out), bufferSize));
    setImmediateFlush(false);
    super.start();
    if (!isStarted()) {
      return;
    }
    flusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "log-console-flush");
      t.setDaemon(true);
      return t;
    });
    flusher.scheduleWithFixedDelay(this::flush, flushMillis, flushMillis, TimeUnit.MILLISECONDS);
  }

  /** Writes out what is waiting. */
  public void flush() {
    streamWriteLock.lock();
    try {
      OutputStream out = getOutputStream();
      if (out != null) {
        out.flush();
      }
    } catch (IOException e) {
      addError("could not write the log to the console", e);
    } finally {
      streamWriteLock.unlock();
    }
  }

  @Override
  public void stop() {
    if (flusher != null) {
      flusher.shutdownNow();
    }
    super.stop(); // flushes (closeOutputStream, below)
  }

  /**
   * The console, losing a write it cannot make (a full non-blocking pipe, a reader gone) rather than failing it: a failed
   * write would stop the appender for good, as {@code System.out} never did, and keep the buffer full. Said once.
   */
  private final class Forgiving extends OutputStream {
    private final OutputStream out;
    private long lost;

    Forgiving(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        lost(e);
      }
    }

    @Override
    public void flush() {
      try {
        out.flush();
      } catch (IOException e) {
        lost(e);
      }
    }

    private void lost(IOException e) {
      if (lost++ == 0) {
        addError("could not write the log to the console: what it did not take is lost (said once)", e);
      }
    }
  }

  /** Flushed, not closed: standard output outlives the logging (a command's last words, the JVM's own). */
  @Override
  protected void closeOutputStream() {
    flush();
  }
}
