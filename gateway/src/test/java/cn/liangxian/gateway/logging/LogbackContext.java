package cn.liangxian.gateway.logging;

import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.MDC;

/**
 * A Logback context of a test's own, stopped after each test (its appenders with it): register it as an extension
 * ({@code @RegisterExtension final LogbackContext logback = new LogbackContext();}) and log through {@link #context}.
 */
final class LogbackContext implements AfterEachCallback {
  final LoggerContext context = new LoggerContext();

  LogbackContext() {
    context.setMDCAdapter(MDC.getMDCAdapter()); // as SLF4J gives the process's context
  }

  @Override
  public void afterEach(ExtensionContext test) {
    context.stop();
  }
}
