package cn.liangxian.gateway.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/** The process's logging as a whole. */
public final class Logs {
  /** How long the stop may take: a console that takes nothing (a stalled reader) must not hold the process's exit. */
  static final long STOP_MILLIS = TimeUnit.SECONDS.toMillis(3);

  private Logs() {}

  /** What the root logger's batching appenders hold, written out now: before the process prints to the console itself. */
  public static void flush() {
    batching().forEach(BatchedAsyncAppender::flush);
  }

  /**
   * {@code liangxian_log_events_dropped_total}: the log events the console's queue dropped under a flood. None is the
   * normal; any says the access log has gaps.
   */
  public static void meters(MeterRegistry registry) {
    FunctionCounter.builder("liangxian_log_events_dropped", Logs.class, c -> dropped())
        .description("log events dropped because the console's queue was full").register(registry);
  }

  /** How many log events the root logger's batching appenders dropped, their queues full. */
  public static long dropped() {
    return batching().stream().mapToLong(BatchedAsyncAppender::dropped).sum();
  }

  private static List<BatchedAsyncAppender> batching() {
    List<BatchedAsyncAppender> out = new ArrayList<>(1);
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext c) {
      for (Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it = c.getLogger(Logger.ROOT_LOGGER_NAME)
          .iteratorForAppenders(); it.hasNext(); ) {
        if (it.next() instanceof BatchedAsyncAppender a) {
          out.add(a);
        }
      }
    }
    return out;
  }

  /**
   * Stops the logging: the queue handed over and the console's buffer written out, within {@link #STOP_MILLIS}. The last
   * thing a process does before it exits; nothing logged after it is written.
   */
  public static void stop() {
    ILoggerFactory f = LoggerFactory.getILoggerFactory();
    if (!(f instanceof LoggerContext c) || !c.isStarted()) {
      return;
    }
    Thread t = new Thread(c::stop, "log-stop");
    t.setDaemon(true);
    t.start();
    try {
      t.join(STOP_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
