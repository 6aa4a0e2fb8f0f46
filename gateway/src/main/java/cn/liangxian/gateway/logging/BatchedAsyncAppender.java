package cn.liangxian.gateway.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.io.Flushable;
import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * {@code AsyncAppender} does), then the event waits in the queue. Each batch handed over is written out with one flush of
 * the appenders that buffer ({@link Flushable}: the console), so a line reaches the console within {@code drainMillis};
 * a warning or an error wakes the thread at once. At most
 * {@code queueSize} events wait (8192): beyond four fifths of it, events below WARN are dropped, and beyond it, every
 * event, so that a console that cannot keep up never holds the caller back; how many were dropped is counted
 * ({@link #dropped()}) and said on the console after the batch.
 */
public final class BatchedAsyncAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
    implements AppenderAttachable<ILoggingEvent> {
  private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
  private final ConcurrentLinkedQueue<ILoggingEvent> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  /** A warning or an error is waiting: the thread is woken once for it, however many follow before it runs. */
  private final AtomicBoolean urgent = new AtomicBoolean();
  /** One drain at a time (the thread's, or a caller's {@link #flush}), so that the lines keep their order. */
  private final Object draining = new Object();
  private long said;
  private int queueSize = 8192;
  private long drainMillis = 100;
  private volatile boolean running;
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
    running = true;
    worker = new Thread(this::work, "log-" + getName());
    worker.setDaemon(true);
    worker.start();
    super.start();
  }

  /** Whether the {@code n}th event waiting, of this seriousness, may wait: the least serious are dropped first. */
  static boolean admits(int n, int queueSize, boolean serious) {
    return n <= queueSize && (serious || n <= queueSize - queueSize / 5);
  }

  @Override
  protected void append(ILoggingEvent e) {
    boolean serious = e.getLevel().isGreaterOrEqual(Level.WARN);
    if (!admits(waiting.incrementAndGet(), queueSize, serious)) {
      waiting.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    try {
      e.prepareForDeferredProcessing(); // on this thread: its name, its MDC, the arguments as they are now
      queue.offer(e);
    } catch (RuntimeException x) {
      waiting.decrementAndGet(); // the place it took is given back
      throw x;
    }
    if (serious && urgent.compareAndSet(false, true)) {
      LockSupport.unpark(worker);
    }
  }

  private void work() {
    long period = TimeUnit.MILLISECONDS.toNanos(drainMillis);
    while (running) {
      // to the end of the period (a wake-up that comes early, for no reason, does not end it), or until a warning
      long until = System.nanoTime() + period;
      for (long left = period; running && !urgent.get() && left > 0; left = until - System.nanoTime()) {
        LockSupport.parkNanos(this, left);
      }
      try {
        drain();
      } catch (Throwable t) { // nothing must end the thread: every later line would be lost
        addError("could not hand log events over", t);
      }
    }
  }

  /**
   * Hands what waits to the appenders, in the order it was queued (no more than waited when it began: callers that keep
   * up with it do not keep it from ending), says how many were dropped, and writes the batch out ({@link Flushable}
   * appenders: the console's buffer), a write a batch rather than a line.
   */
  private void drain() {
    synchronized (draining) {
      urgent.set(false);
      boolean any = false;
      ILoggingEvent e;
      for (int n = waiting.get(); n > 0 && (e = queue.poll()) != null; n--) {
        waiting.decrementAndGet();
        any = true;
        try {
          appenders.appendLoopOnAppenders(e);
        } catch (Throwable t) { // an appender's Error (out of memory while encoding) loses that line, not the batch after it
          addError("could not hand a log event over", t);
        }
      }
      long lost = dropped.get();
      if (lost != said) {
        say(Level.WARN, (lost - said) + " log events dropped: more were logged than the console took");
        said = lost;
        any = true;
      }
      if (any) {
        flushAppenders();
      }
    }
  }

  /** Hands over what waits now, on the caller's thread, and writes it out: before a command prints to the console. */
  public void flush() {
    if (isStarted()) {
      drain();
    }
  }

  private void flushAppenders() {
    for (Iterator<Appender<ILoggingEvent>> it = appenders.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof Flushable f) {
        try {
          f.flush();
        } catch (IOException x) {
          addError("could not flush the log", x);
        }
      }
    }
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
    running = false;
    LockSupport.unpark(worker);
    try {
      worker.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
    drain(); // what a caller queued after the thread's last drain
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
