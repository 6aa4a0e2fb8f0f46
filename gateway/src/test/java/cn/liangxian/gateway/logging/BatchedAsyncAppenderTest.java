package cn.liangxian.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.status.Status;
import cn.liangxian.gateway.support.Eventually;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;

/**
 * The hand-over to the console's thread a batch at a time: in order, with what only the caller's thread knows, a warning
 * at once, everything at the stop, and a full queue dropping the least first and saying so.
 */
class BatchedAsyncAppenderTest {
  /** A drain period no test waits for: a warning, or the stop, hands the events over. */
  private static final long NEVER = 3_600_000;

  @RegisterExtension
  final LogbackContext logback = new LogbackContext();
  private final LoggerContext context = logback.context;
  private final Received received = new Received();

  @Test
  void eventsWaitForTheBatchAndAWarningBringsItAtOnce() throws Exception {
    Logger log = logger(appender(8192, NEVER));
    for (int i = 1; i <= 100; i++) {
      log.info("line {}", i);
    }
    assertThat(received.messages()).isEmpty();
    log.warn("something is wrong");
    Eventually.until("the batch handed over", () -> received.messages().size() == 101);
    assertThat(received.messages()).startsWith("line 1", "line 2").endsWith("line 100", "something is wrong");
  }

  @Test
  void theCallersThreadNameMdcAndArgumentsAreThoseAtTheCall() throws Exception {
    BatchedAsyncAppender a = appender(8192, NEVER);
    Logger log = logger(a);
    StringBuilder changing = new StringBuilder("before");
    Thread caller = new Thread(() -> {
      MDC.put("requestId", "r-123");
      try {
        log.info("asked {}", changing);
      } finally {
        MDC.remove("requestId");
      }
    }, "the-caller");
    caller.start();
    caller.join();
    changing.setLength(0);
    changing.append("after");
    a.stop();
    ILoggingEvent e = received.events.get(0);
    assertThat(e.getThreadName()).isEqualTo("the-caller");
    assertThat(e.getMDCPropertyMap()).containsEntry("requestId", "r-123");
    assertThat(e.getFormattedMessage()).isEqualTo("asked before");
  }

  @Test
  void theStopHandsOverWhatWaitsAndStopsTheConsole() {
    BatchedAsyncAppender a = appender(8192, NEVER);
    logger(a).info("the last words");
    a.stop();
    assertThat(received.messages()).containsExactly("the last words");
    assertThat(received.isStarted()).isFalse();
  }

  @Test
  void aFullQueueDropsInfoPastFourFifthsAndSaysHowMany() {
    BatchedAsyncAppender a = appender(10, NEVER);
    Logger log = logger(a);
    for (int i = 1; i <= 20; i++) {
      log.info("line {}", i);
    }
    assertThat(a.dropped()).isEqualTo(12);
    a.stop();
    assertThat(received.messages()).hasSize(9).startsWith("line 1").contains("line 8")
        .endsWith("12 log events dropped: more were logged than the console took");
  }

  @Test
  void theLeastSeriousAreDroppedFirst() {
    assertThat(BatchedAsyncAppender.admits(8, 10, false)).isTrue();
    assertThat(BatchedAsyncAppender.admits(9, 10, false)).as("INFO past four fifths").isFalse();
    assertThat(BatchedAsyncAppender.admits(10, 10, true)).as("a warning up to the full queue").isTrue();
    assertThat(BatchedAsyncAppender.admits(11, 10, true)).as("anything past it").isFalse();
  }

  @Test
  void severalThreadsLoggingAtOnceLoseNothingAndKeepTheirOwnOrder() throws Exception {
    BatchedAsyncAppender a = appender(8192, NEVER);
    Logger log = logger(a);
    List<Thread> callers = new java.util.ArrayList<>();
    for (int t = 0; t < 4; t++) {
      String name = "t" + t;
      callers.add(new Thread(() -> {
        for (int i = 0; i < 1000; i++) {
          log.info("{} {}", name, i);
        }
      }));
    }
    callers.forEach(Thread::start);
    for (Thread t : callers) {
      t.join();
    }
    a.stop();
    assertThat(a.dropped()).isZero();
    assertThat(received.messages()).hasSize(4000);
    for (int t = 0; t < 4; t++) {
      String prefix = "t" + t + " ";
      assertThat(received.messages().stream().filter(m -> m.startsWith(prefix)).map(m -> Integer.parseInt(m.substring(prefix.length()))))
          .as("thread %d's lines in its order", t).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 1000).boxed().toList());
    }
  }

  @Test
  void anAppenderFailingWithAnErrorDoesNotEndTheHandOver() throws Exception {
    received.failOn = "boom";
    Logger log = logger(appender(8192, NEVER));
    log.warn("boom");
    log.warn("after");
    Eventually.until("the line after the failure handed over", () -> received.messages().contains("after"));
    log.warn("later still");
    Eventually.until("and the next batch", () -> received.messages().contains("later still"));
  }

  @Test
  void eachBatchIsWrittenOutWithinItsPeriod() throws Exception {
    Logger log = logger(appender(8192, 10));
    log.info("on its own");
    Eventually.until("the line handed over and written out",
        () -> received.messages().contains("on its own") && received.flushes.get() >= 1);
  }

  @Test
  void aWarningIsWrittenOutWithItsBatch() throws Exception {
    Logger log = logger(appender(8192, NEVER));
    log.info("quiet");
    assertThat(received.flushes.get()).isZero();
    log.warn("loud");
    Eventually.until("the batch flushed", () -> received.flushes.get() >= 1);
    assertThat(received.messages()).containsExactly("quiet", "loud");
  }

  @Test
  void settingsOfNothingOrNoAppenderAreRefused() {
    BatchedAsyncAppender none = new BatchedAsyncAppender();
    none.setContext(context);
    none.start();
    assertThat(none.isStarted()).isFalse();
    BatchedAsyncAppender zero = new BatchedAsyncAppender();
    zero.setContext(context);
    zero.addAppender(received);
    zero.setDrainMillis(0);
    zero.start();
    assertThat(zero.isStarted()).isFalse();
    assertThat(context.getStatusManager().getCopyOfStatusList()).extracting(Status::getMessage)
        .anyMatch(m -> m.contains("no appender")).anyMatch(m -> m.contains("drainMillis"));
  }

  /** The gateway's own logback.xml: every element and property known, nothing refused. */
  @Test
  void theGatewaysConfigurationLoadsWithoutAWarning() throws Exception {
    JoranConfigurator c = new JoranConfigurator();
    c.setContext(context);
    c.doConfigure(BatchedAsyncAppenderTest.class.getResource("/logback.xml"));
    assertThat(context.getStatusManager().getCopyOfStatusList()).filteredOn(s -> s.getLevel() >= Status.WARN)
        .extracting(Status::getMessage).isEmpty();
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("ASYNC")).isInstanceOf(BatchedAsyncAppender.class);
  }

  private BatchedAsyncAppender appender(int queueSize, long drainMillis) {
    received.setContext(context);
    received.start();
    BatchedAsyncAppender a = new BatchedAsyncAppender();
    a.setContext(context);
    a.setName("test");
    a.setQueueSize(queueSize);
    a.setDrainMillis(drainMillis);
    a.addAppender(received);
    a.start();
    assertThat(a.isStarted()).isTrue();
    return a;
  }

  private Logger logger(BatchedAsyncAppender a) {
    Logger log = context.getLogger("test");
    log.setAdditive(false);
    log.addAppender(a);
    return log;
  }

  /** What the console would have been handed, in order, and how often it was flushed. */
  private static final class Received extends AppenderBase<ILoggingEvent> implements java.io.Flushable {
    final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
    final java.util.concurrent.atomic.AtomicInteger flushes = new java.util.concurrent.atomic.AtomicInteger();
    /** A message whose line fails with an Error, as an appender out of memory would. */
    volatile String failOn;

    @Override
    protected void append(ILoggingEvent e) {
      if (e.getFormattedMessage().equals(failOn)) {
        throw new AssertionError("an appender failing");
      }
      events.add(e);
    }

    @Override
    public void flush() {
      flushes.incrementAndGet();
    }

    List<String> messages() {
      return events.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }
}
