package cn.liangxian.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The console written a buffer at a time: lines wait for the flush, go out together, and none is left at the stop. */
class BatchedConsoleAppenderTest {
  @RegisterExtension
  final LogbackContext logback = new LogbackContext();
  private final LoggerContext context = logback.context;
  private final Console console = new Console();


  @Test
  void linesWaitForTheFlushAndGoOutInOneWrite() {
    BatchedConsoleAppender<ILoggingEvent> a = appender(64 * 1024);
    Logger log = logger(a);
    for (int i = 1; i <= 100; i++) {
      log.info("line {}", i);
    }
    assertThat(console.text()).isEmpty();
    a.flush();
    assertThat(console.lines()).hasSize(100).startsWith("line 1").endsWith("line 100");
    assertThat(console.writes.get()).as("one write for the hundred lines").isEqualTo(1);
  }

  @Test
  void aFullBufferIsWrittenWithoutWaitingAndNoLineIsCut() {
    BatchedConsoleAppender<ILoggingEvent> a = appender(1024);
    Logger log = logger(a);
    for (int i = 1; i <= 200; i++) {
      log.info("line {} of two hundred, some thirty bytes", i);
    }
    int before = console.writes.get();
    assertThat(before).as("writes while the buffer filled").isBetween(2, 20);
    assertThat(console.text()).endsWith("\n");
    a.flush();
    assertThat(console.lines()).hasSize(200).endsWith("line 200 of two hundred, some thirty bytes");
  }

  @Test
  void theStopWritesWhatWaitsAndLeavesTheConsoleOpen() {
    BatchedConsoleAppender<ILoggingEvent> a = appender(64 * 1024);
    logger(a).info("the last words");
    a.stop();
    assertThat(console.lines()).containsExactly("the last words");
    assertThat(console.closed).isFalse();
  }

  @Test
  void aBufferOfNothingIsRefused() {
    BatchedConsoleAppender<ILoggingEvent> a = new BatchedConsoleAppender<>();
    a.setContext(context);
    a.setTarget(console);
    a.setEncoder(encoder());
    a.setBufferSize(0);
    a.start();
    assertThat(a.isStarted()).isFalse();
    assertThat(context.getStatusManager().getCopyOfStatusList()).filteredOn(s -> s.getMessage().contains("bufferSize must be positive"))
        .hasSize(1);
  }

  @Test
  void aConsoleThatRefusesAWriteLosesItButNotTheAppender() {
    BatchedConsoleAppender<ILoggingEvent> a = appender(64 * 1024);
    Logger log = logger(a);
    console.refusing = true;
    log.info("not taken");
    a.flush();
    log.info("nor this");
    a.flush();
    console.refusing = false;
    log.info("taken again");
    a.flush();
    assertThat(a.isStarted()).isTrue();
    assertThat(console.lines()).containsExactly("taken again");
    assertThat(context.getStatusManager().getCopyOfStatusList()).filteredOn(s -> s.getMessage().contains("could not write"))
        .as("said once").hasSize(1);
  }

  private BatchedConsoleAppender<ILoggingEvent> appender(int bufferSize) {
    BatchedConsoleAppender<ILoggingEvent> a = new BatchedConsoleAppender<>();
    a.setContext(context);
    a.setTarget(console);
    a.setBufferSize(bufferSize);
    a.setEncoder(encoder());
    a.start();
    assertThat(a.isStarted()).isTrue();
    return a;
  }

  private PatternLayoutEncoder encoder() {
    PatternLayoutEncoder e = new PatternLayoutEncoder();
    e.setContext(context);
    e.setPattern("%msg%n");
    e.start();
    return e;
  }

  private Logger logger(BatchedConsoleAppender<ILoggingEvent> a) {
    Logger log = context.getLogger("test");
    log.setAdditive(false);
    log.addAppender(a);
    return log;
  }

  /** Standard output as a test sees it: what was written, in how many writes, and whether it was closed. */
  private static final class Console extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final AtomicInteger writes = new AtomicInteger();
    volatile boolean closed;
    /** A console that takes nothing (a full pipe): every write fails. */
    volatile boolean refusing;

    @Override
    public synchronized void write(int b) throws java.io.IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws java.io.IOException {
      if (refusing) {
        throw new java.io.IOException("Resource temporarily unavailable");
      }
      writes.incrementAndGet();
      bytes.write(b, off, len);
    }

    @Override
    public void close() {
      closed = true;
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }

    List<String> lines() {
      return text().lines().toList();
    }
  }
}
