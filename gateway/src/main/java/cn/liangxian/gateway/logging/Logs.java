package cn.liangxian.gateway.logging;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/** The process's logging as a whole. */
public final class Logs {
  private Logs() {}

  /**
   * Stops the logging: the asynchronous queue drained and the console's buffer written out. The last thing a process
   * does before it exits; nothing logged after it is written.
   */
  public static void stop() {
    ILoggerFactory f = LoggerFactory.getILoggerFactory();
    if (f instanceof LoggerContext c) {
      c.stop();
    }
  }
}
