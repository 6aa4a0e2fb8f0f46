package cn.liangxian.gateway;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The command line as other packages' tests run it: {@code gateway <args>} with {@code env} as its environment. */
public final class MainAccess {
  private MainAccess() {}

  public static int run(Map<String, String> env, String... args) {
    try {
      return Main.run(args, env);
    } finally {
      // a command sends the process's log lines to standard error; the tests after it run gateways, whose go to standard output
      cn.liangxian.gateway.logging.BatchedConsoleAppender.toStandardOutput();
    }
  }

  /** What a command said and how it ended. */
  public record Ran(int status, String out, String err) {}

  /** As {@link #run}, what it prints on the console kept (and not printed). */
  public static Ran captured(Map<String, String> env, String... args) {
    PrintStream was = System.out;
    PrintStream wasErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int status;
    try {
      status = run(env, args);
    } finally {
      System.setOut(was);
      System.setErr(wasErr);
    }
    return new Ran(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
