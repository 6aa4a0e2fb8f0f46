package cn.liangxian.gateway.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands the events to its appenders on a thread of its own, a batch every {@code drainMillis} (100 by default): the thread
 * that logs (an event loop) only queues the event, and never wakes another thread for it, nor waits.
 *
 * <p>Logback's {@code AsyncAppender} hands over each event through a blocking queue whose worker waits on it: at a line a
 * request, a wake-up of the worker a request, each a system call and a switch between threads on a machine of two cores.
 * Measured beside each other on the lookup ({@code loadtest/ab.sh}), that hand-over was 0.019 ms of the gateway's
 * 0.136 ms a lookup, and raised the kernel's share of its CPU from 28% to 34% ({@code loadtest/README.md}).
 *
 * <p>What a caller's thread must be read on it is (its name, the MDC, the message formatted with its arguments, as
 * {@code AsyncAppender} does), then the event waits in the queue. A warning or an error wakes the thread at once. At most
 * {@code queueSize} events wait (8192): beyond four fifths of it, events below WARN are dropped, and beyond it, every
 * event, so that a console that cannot keep up never holds the caller back; how many were dropped is counted
 * ({@link #dropped()}) and said on the console once it is drained.
 */
public final class BatchedAsyncAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
    implements AppenderAttachable<ILoggingEvent> {
  private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
  private final ConcurrentLinkedQueue<ILoggingEvent> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private int queueSize = 8192;
  private long drainMillis = 100;
  private volatile boolean draining;
  private Thread worker;

  public void setQueueSize(int events) {
    this.queueSize = events;
  }

  public void setDrainMillis(long millis) {
    this.drainMillis = millis;
  }

  @Override
  public void start() {
    if (queueSize < 1 || drainMillis < 1) {
      addError("queueSize and drainMillis must be positive (are " + queueSize + " and " + drainMillis + ")");
      return;
    }
    if (!appenders.iteratorForAppenders().hasNext()) {
      addError("no appender to hand the events to: name one with appender-ref");
      return;
    }
    draining = true;
    worker = new Thread(this::work, "log-" + getName());
    worker.setDaemon(true);
    super.start();
    worker.start();
  }

  @Override
  protected void append(ILoggingEvent e) {
    int n = waiting.incrementAndGet();
    boolean serious = e.getLevel().isGreaterOrEqual(Level.WARN);
    if (n > queueSize || n > queueSize - queueSize / 5 && !serious) {
      waiting.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    e.prepareForDeferredProcessing(); // on this thread: its name, its MDC, the arguments as they are now
    queue.offer(e);
    if (serious) {
      LockSupport.unpark(worker);
    }
  }

  private void work() {
    long nanos = TimeUnit.MILLISECONDS.toNanos(drainMillis);
    long said = 0;
    while (draining) {
      LockSupport.parkNanos(this, nanos);
      said = drain(said);
    }
    drain(said); // what was queued before the stop
  }

  /** Hands what waits to the appenders, in the order it was queued, then says how many were dropped since {@code said}. */
  private long drain(long said) {
    ILoggingEvent e;
    while ((e = queue.poll()) != null) {
      waiting.decrementAndGet();
      appenders.appendLoopOnAppenders(e);
    }
    long lost = dropped.get();
    if (lost != said) {
      say(Level.WARN, (lost - said) + " log events dropped: more were logged than the console took");
    }
    return lost;
  }

  /** A line of this appender's own, straight to its appenders. */
  private void say(Level level, String message) {
    if (getContext() instanceof LoggerContext c) {
      LoggingEvent e = new LoggingEvent(BatchedAsyncAppender.class.getName(), c.getLogger(BatchedAsyncAppender.class), level,
          message, null, null);
      appenders.appendLoopOnAppenders(e);
    }
    addWarn(message);
  }

  /** How many events were dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop();
    draining = false;
    LockSupport.unpark(worker);
    try {
      worker.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
    appenders.detachAndStopAllAppenders();
  }

  @Override
  public void addAppender(Appender<ILoggingEvent> a) {
    appenders.addAppender(a);
  }

  @Override
  public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
    return appenders.iteratorForAppenders();
  }

  @Override
  public Appender<ILoggingEvent> getAppender(String name) {
    return appenders.getAppender(name);
  }

  @Override
  public boolean isAttached(Appender<ILoggingEvent> a) {
    return appenders.isAttached(a);
  }

  @Override
  public void detachAndStopAllAppenders() {
    appenders.detachAndStopAllAppenders();
  }

  @Override
  public boolean detachAppender(Appender<ILoggingEvent> a) {
    return appenders.detachAppender(a);
  }

  @Override
  public boolean detachAppender(String name) {
    return appenders.detachAppender(name);
  }
}
