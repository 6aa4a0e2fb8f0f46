package cn.liangxian.gateway.support;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** Log lines a test reads while the gateway's threads still write them. */
public final class LogCapture {
  private LogCapture() {}

  /**
   * A started appender to add to the loggers watched: its list is copy-on-write, so that a test reading it (a stream,
   * a wait on its size) never meets a line appended meanwhile ({@code ListAppender}'s own list is a plain one).
   */
  public static ListAppender<ILoggingEvent> appender() {
    ListAppender<ILoggingEvent> a = new ListAppender<>();
    a.list = new CopyOnWriteArrayList<>();
    a.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
    a.start();
    return a;
  }
}
