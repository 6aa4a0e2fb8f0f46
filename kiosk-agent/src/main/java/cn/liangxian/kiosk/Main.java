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

  /** The exit status when the agent cannot start where it is (its UI port taken, its journal or keys unusable). */
  static final int CANNOT_START = 1;

  static final String HELP = """
      Usage:
        java -jar kiosk-agent/target/kiosk-agent.jar [config.yaml]            run the kiosk agent (config/kiosk.yaml, or KIOSK_CONFIG)
        java -jar kiosk-agent/target/kiosk-agent.jar register [config.yaml]   register this kiosk's key at its gateway
      Environment: KIOSK_CONFIG, KIOSK_ID, KIOSK_GATEWAY_URL; for register GATEWAY_OPERATOR_USER (admin),
      GATEWAY_OPERATOR_PASSWORD or GATEWAY_OPERATOR_PASSWORD_FILE (data/keys/operator-admin.password).""";

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && java.util.Set.of("--help", "-h", "help").contains(args[0])) {
      System.out.println(HELP);
      System.exit(0);
    }
    if (args.length > 0 && args[0].equals("register")) {
      System.exit(register(java.util.Arrays.copyOfRange(args, 1, args.length), System.getenv()));
    }
    KioskOptions options = options(args, System.getenv(), System.err);
    if (options == null) {
      System.exit(BAD_OPTIONS);
    }
    KioskAgent agent = start(options, System.err);
    if (agent == null) {
      System.exit(CANNOT_START);
    }
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

  /**
   * {@code register [config]}: registers this kiosk's key at its gateway as the administrator {@code admin}
   * ({@code GATEWAY_OPERATOR_USER} for another), whose password is {@code GATEWAY_OPERATOR_PASSWORD} or the file the
   * gateway wrote on its first start ({@code GATEWAY_OPERATOR_PASSWORD_FILE}, default
   * {@code data/keys/operator-admin.password}).
   */
  static int register(String[] args, Map<String, String> env) throws Exception {
    KioskOptions options = options(args, env, System.err);
    if (options == null) {
      return BAD_OPTIONS;
    }
    Path file = Path.of(env.getOrDefault("GATEWAY_OPERATOR_PASSWORD_FILE", "data/keys/operator-admin.password"));
    String password;
    try {
      password = cn.liangxian.kiosk.gateway.KioskRegistration.password(env, file);
    } catch (java.io.IOException e) {
      System.err.println("kiosk-agent: no administrator password: set GATEWAY_OPERATOR_PASSWORD, or run this where " + file
          + " exists (the gateway writes it on its first start)");
      return BAD_OPTIONS;
    }
    try {
      var kiosk = cn.liangxian.kiosk.gateway.KioskIdentity.loadOrCreate(options.kioskId(), options.keyDir());
      return new cn.liangxian.kiosk.gateway.KioskRegistration(options.gateway().url())
          .register(kiosk, env.getOrDefault("GATEWAY_OPERATOR_USER", "admin"), password, System.out, System.err);
    } catch (Exception e) {
      // a key folder that cannot be written, a key file of another kind, a gateway answering something else: one line
      System.err.println("kiosk-agent: cannot register: " + why(e, options));
      return CANNOT_START;
    }
  }

  /** The agent started, or null, with one line on {@code err} saying why it could not (no stack trace). */
  static KioskAgent start(KioskOptions options, PrintStream err) {
    try {
      return KioskAgent.start(options);
    } catch (Exception e) {
      err.println("kiosk-agent: cannot start: " + why(e, options));
      return null;
    }
  }

  /** The innermost reason, in words: a port in use names the port and its setting. */
  static String why(Throwable e, KioskOptions options) {
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException) {
        return "the touch UI cannot listen on " + options.ui().host() + ":" + options.ui().port() + " (ui.host, ui.port): "
            + t.getMessage();
      }
      root = t;
    }
    if (root instanceof java.nio.file.FileSystemException f) {
      // a file's trouble: the file, and the system's reason where it gives one (a denied access gives none)
      return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : "cannot be used (no access, or not the file expected)");
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage().replaceAll("\\s*\\R\\s*", " ");
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
