package cn.liangxian.gateway.logging;

import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The console (standard output), written a buffer at a time: what waits goes out in one write when it is flushed, or
 * sooner when {@code bufferSize} bytes (64 KiB) are waiting, and on {@link #stop}.
 *
 * <p>Logback's {@code ConsoleAppender} writes each line through {@code System.out}, which flushes every write: a system call
 * a line, and the access log writes a line a request. Meant behind a {@link BatchedAsyncAppender}, as in the gateway's
 * {@code logback.xml}, which flushes it after each batch it hands over (every 100 ms at most): the buffer is written by
 * that appender's thread, never an event loop, and it keeps no timer of its own. What a process killed outright had not
 * yet flushed is lost with it, as what the queue held always was. The gateway stops the logging (and so flushes) as its
 * last step ({@link Logs#stop}).
 *
 * <p>A command of the command line ({@code gateway roster import}, {@code callback show} ...) logs to standard error
 * instead ({@link #toStandardError}): its standard output is its answer, which an operator saves or pipes.
 */
public final class BatchedConsoleAppender<E> extends OutputStreamAppender<E> implements Flushable {
  private int bufferSize = 64 * 1024;
  private OutputStream target;

  private static final OutputStream OUT = new FileOutputStream(FileDescriptor.out);
  private static final OutputStream ERR = new FileOutputStream(FileDescriptor.err);
  /** Where the console lines go: standard output (the server), or standard error (a command's). */
  private static volatile OutputStream console = OUT;

  /** The console lines of this process go to standard error from now on: a command's output is its own. */
  public static void toStandardError() {
    console = ERR;
  }

  /** The console lines of this process go to standard output, as a server's do (the default). */
  public static void toStandardOutput() {
    console = OUT;
  }

  /** Whether the console lines go to standard error. */
  public static boolean logsToStandardError() {
    return console == ERR;
  }

  /** Standard output or standard error, as the process chose, at every write. */
  private static final OutputStream CONSOLE = new OutputStream() {
    @Override
    public void write(int b) throws IOException {
      console.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      console.write(b, off, len);
    }
  };

  /** Where the lines go (tests); standard output when none is set. */
  void setTarget(OutputStream target) {
    this.target = target;
  }

  public void setBufferSize(int bytes) {
    this.bufferSize = bytes;
  }

  @Override
  public void start() {
    if (bufferSize < 1) {
      addError("bufferSize must be positive (is " + bufferSize + ")");
      return;
    }
    OutputStream out = target != null ? target : CONSOLE;
    setOutputStream(new BufferedOutputStream(new Forgiving(out), bufferSize));
    setImmediateFlush(false);
    super.start();
  }

  /** Writes out what is waiting. */
  @Override
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
