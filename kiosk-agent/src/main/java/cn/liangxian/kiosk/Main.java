package cn.liangxian.kiosk;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/** {@code java -jar kiosk-agent.jar [config/kiosk.yaml]}. */
public final class Main {

  /** The exit status when the configuration is refused. */
  static final int BAD_OPTIONS = 2;

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    KioskOptions options = options(args, System.getenv(), System.err);
    if (options == null) {
      System.exit(BAD_OPTIONS);
    }
    KioskAgent agent = KioskAgent.start(options);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        agent.close();
      } catch (Exception e) {
        // shutting down
      }
    }));
    System.out.println();
    System.out.println("  Liangxian kiosk agent " + agent.identity().kioskId() + " is up");
    System.out.println();
    System.out.println("  Touch UI   http://127.0.0.1:" + agent.uiPort() + "/");
    System.out.println("  Gateway    " + options.gateway().url());
    System.out.println("  Public key " + options.keyDir().resolve("kiosk-pub.pem") + "  (register it at the gateway)");
    System.out.println();
  }

  /** The options from the file the first argument or {@code KIOSK_CONFIG} names; null, with one line on {@code err}, if refused. */
  static KioskOptions options(String[] args, Map<String, String> env, PrintStream err) {
    Path file = args.length > 0 ? Path.of(args[0]) : KioskOptions.configFile(env);
    try {
      return KioskOptions.load(file, env);
    } catch (InvalidOptionsException e) {
      err.println(e.getMessage());
      return null;
    }
  }
}
