package cn.liangxian.kiosk;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/**
 * What one class logs while the test holds this: a way to wait for code that, rightly, changes nothing a test could
 * read otherwise (an answer it ignores, a receipt it holds back).
 */
public final class LogLines implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  public LogLines(Class<?> of) {
    logger = (Logger) LoggerFactory.getLogger(of);
    // appended to on the logging threads while a test reads it: a list that can be read as it grows
    lines.list = new java.util.concurrent.CopyOnWriteArrayList<>();
    lines.start();
    logger.addAppender(lines);
  }

  /** Whether a line logged so far contains {@code text}. */
  public boolean contains(String text) {
    return lines.list.stream().anyMatch(e -> e.getFormattedMessage().contains(text));
  }

  @Override
  public void close() {
    logger.detachAppender(lines);
    lines.stop();
  }
}
