package cn.liangxian.kiosk;

import java.nio.file.Path;

/** {@code java -jar kiosk-agent.jar [config/kiosk.yaml]}. */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    String file = args.length > 0 ? args[0] : System.getenv().getOrDefault("KIOSK_CONFIG", "config/kiosk.yaml");
    KioskConfig config = KioskConfig.load(Path.of(file), System.getenv());
    KioskAgent agent = KioskAgent.start(config);
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
    System.out.println("  Gateway    " + config.string("gateway.url", ""));
    System.out.println("  Public key " + Path.of(config.string("keyDir", "./data/kiosk/keys")).resolve("kiosk-pub.pem")
        + "  (register it at the gateway)");
    System.out.println();
  }
}
