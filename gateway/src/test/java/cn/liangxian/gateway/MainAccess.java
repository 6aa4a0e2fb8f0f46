package cn.liangxian.gateway;

import java.util.Map;

/** The command line as other packages' tests run it: {@code gateway <args>} with {@code env} as its environment. */
public final class MainAccess {
  private MainAccess() {}

  public static int run(Map<String, String> env, String... args) {
    return Main.run(args, env);
  }
}
