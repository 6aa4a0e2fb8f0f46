package cn.liangxian.sandbox;

import cn.liangxian.channel.Pem;
import cn.liangxian.channel.agency.AgencyEnvelope;
import cn.liangxian.channel.wechat.WechatPayScheme;
import cn.liangxian.sandbox.agency.AgencySimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The sandbox as a process of its own, {@code java -jar channel-sandbox.jar}: on loopback, port
 * {@code SANDBOX_PORT} (8090; 0 for any free one), with a demo merchant account whose keys, and the
 * channels' public keys, it writes to {@code SANDBOX_KEY_DIR} ({@code ./sandbox-keys}) under the names a
 * gateway's configuration for real channels reads.
 *
 * <p>With {@code SANDBOX_AGENCY_PORT} it also runs the receiving agencies' simulator, so that a gateway under
 * measurement holds nothing of what the outside world keeps: its public key is written to the key directory as
 * {@code agency.pub.pem}, its receivers answer at {@code /agency/<receiver>/records}, and it believes the gateway's
 * hand-off key from {@code SANDBOX_AGENCY_TRUST} (a PEM file; a gateway writes it on its first start, so it is read
 * once it is there).
 */
public final class Main {
  private static final String USAGE = """
      usage: java -jar channel-sandbox.jar
        Environment: SANDBOX_PORT (default 8090, 0: any free port), SANDBOX_KEY_DIR (default ./sandbox-keys),
          SANDBOX_AGENCY_PORT (unset: no agency simulator; 0: any free port) with SANDBOX_AGENCY_TRUST (the gateway's
          hand-off public key, PEM) and SANDBOX_AGENCY_SCHEME (SM2 or RSA, default SM2)""";

  private Main() {}

  /** The sandbox's variables: any other {@code SANDBOX_} name is a misspelling, refused, never passed over. */
  static final java.util.Set<String> VARIABLES = java.util.Set.of("SANDBOX_PORT", "SANDBOX_KEY_DIR", "SANDBOX_AGENCY_PORT",
      "SANDBOX_AGENCY_TRUST", "SANDBOX_AGENCY_SCHEME");

  /** Why the environment cannot start the sandbox, in one line naming the variable and what it takes; null when it can. */
  static String refusal(Map<String, String> env) {
    for (String name : new java.util.TreeSet<>(env.keySet())) {
      if (name.startsWith("SANDBOX_") && !VARIABLES.contains(name)) {
        return "channel sandbox: environment: " + name + " is not a setting; accepted: "
            + String.join(", ", new java.util.TreeSet<>(VARIABLES));
      }
    }
    if (env.containsKey("SANDBOX_PORT") && port(env.get("SANDBOX_PORT")) == null) {
      return "channel sandbox: SANDBOX_PORT: '" + env.get("SANDBOX_PORT") + "' is not a port (0 to 65535; 0: any free port)";
    }
    if (env.containsKey("SANDBOX_AGENCY_SCHEME") && scheme(env.get("SANDBOX_AGENCY_SCHEME")) == null) {
      return "channel sandbox: SANDBOX_AGENCY_SCHEME: '" + env.get("SANDBOX_AGENCY_SCHEME") + "' is neither SM2 nor RSA";
    }
    if (!env.containsKey("SANDBOX_AGENCY_PORT")) {
      return env.containsKey("SANDBOX_AGENCY_TRUST") || env.containsKey("SANDBOX_AGENCY_SCHEME")
          ? "channel sandbox: SANDBOX_AGENCY_TRUST and SANDBOX_AGENCY_SCHEME are the agency simulator's, which runs only with"
              + " SANDBOX_AGENCY_PORT" : null;
    }
    if (port(env.get("SANDBOX_AGENCY_PORT")) == null) {
      return "channel sandbox: SANDBOX_AGENCY_PORT: '" + env.get("SANDBOX_AGENCY_PORT") + "' is not a port (0 to 65535)";
    }
    String trust = env.get("SANDBOX_AGENCY_TRUST");
    return trust == null || trust.isBlank()
        ? "channel sandbox: SANDBOX_AGENCY_PORT needs SANDBOX_AGENCY_TRUST, the gateway's hand-off public key (PEM file)" : null;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    if (args.length > 0) {
      System.err.println(USAGE);
      System.exit(args.length == 1 && args[0].equals("--help") ? 0 : 2);
    }
    String refused = refusal(env);
    if (refused != null) {
      System.err.println(refused);
      System.exit(2);
    }
    int port = port(env.getOrDefault("SANDBOX_PORT", "8090"));
    Path keys = Path.of(env.getOrDefault("SANDBOX_KEY_DIR", "sandbox-keys")).toAbsolutePath();
    Integer agencyPort = env.containsKey("SANDBOX_AGENCY_PORT") ? port(env.get("SANDBOX_AGENCY_PORT")) : null;
    String trust = env.get("SANDBOX_AGENCY_TRUST");
    AgencyEnvelope.Scheme scheme = scheme(env.getOrDefault("SANDBOX_AGENCY_SCHEME", "SM2"));
    Vertx vertx = Vertx.vertx();
    ChannelSandbox sandbox;
    try {
      sandbox = start(vertx, Clock.systemUTC(), port, keys).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      System.err.println("channel sandbox: cannot start: " + e.getCause().getMessage());
      vertx.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(vertx::close, "sandbox-shutdown"));
    System.out.println(banner(sandbox, keys));
    if (agencyPort != null) {
      try {
        AgencySimulator agency = startAgency(vertx, Clock.systemUTC(), agencyPort, keys, Path.of(trust).toAbsolutePath(), scheme)
            .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        System.out.println("  Agency simulator  " + agency.baseUrl() + "   (receivers " + agency.baseUrl()
            + "/agency/<name>/records, key " + keys.resolve(AGENCY_KEY) + ", believing " + trust + " once it is there)\n");
      } catch (ExecutionException e) {
        System.err.println("channel sandbox: cannot start the agency simulator: " + e.getCause().getMessage());
        vertx.close();
        System.exit(1);
      }
    }
    Thread.currentThread().join();
  }

  /** Starts a sandbox with a demo merchant account on {@code vertx}, the keys written to {@code keys} first. */
  public static Future<ChannelSandbox> start(Vertx vertx, Clock clock, int port, Path keys) {
    ChannelSandbox sandbox = new ChannelSandbox(vertx, clock);
    DemoMerchant merchant = DemoMerchant.issue(sandbox);
    try {
      Files.createDirectories(keys);
      secret(keys.resolve("wechat-merchant-key.pem"), Pem.write(merchant.merchantKey()));
      secret(keys.resolve("wechat-apiv3.key"), new String(merchant.apiV3Key(), StandardCharsets.US_ASCII) + "\n");
      Files.writeString(keys.resolve("wechat-pay-public-key.pem"), Pem.write(sandbox.wechatPlatformKey(WechatPayScheme.RSA)));
      Files.writeString(keys.resolve("wechat-pay-public-key.serial"), sandbox.wechatSerial() + "\n");
      secret(keys.resolve("wechat-mini-program.secret"), merchant.miniProgramSecret() + "\n");
      secret(keys.resolve("alipay-app-key.pem"), Pem.write(merchant.appKey()));
      Files.writeString(keys.resolve("alipay-public-key.pem"), Pem.write(sandbox.alipayPublicKey()));
      secret(keys.resolve("unionpay-sign-key.pem"), Pem.write(merchant.unionPayKey()));
      Files.writeString(keys.resolve("unionpay-sign-cert.pem"), Pem.write(merchant.unionPayCertificate(sandbox)));
      Files.writeString(keys.resolve("unionpay-root.pem"), Pem.write(sandbox.unionPayRoot()));
      Files.writeString(keys.resolve("unionpay-middle.pem"), Pem.write(sandbox.unionPayMiddle()));
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return sandbox.listen(port).map(p -> sandbox);
  }

  /** The agency simulator's public key in the key directory, for the gateway's receivers. */
  static final String AGENCY_KEY = "agency.pub.pem";

  /**
   * The receiving agencies' simulator on {@code vertx}: its public key written to {@code keys}, and the gateway's key
   * believed from {@code trust} as soon as that file is there (looked for every second until it is).
   */
  static Future<AgencySimulator> startAgency(Vertx vertx, Clock clock, int port, Path keys, Path trust, AgencyEnvelope.Scheme scheme) {
    AgencySimulator agency = new AgencySimulator(vertx, clock, scheme);
    try {
      Files.createDirectories(keys);
      Files.writeString(keys.resolve(AGENCY_KEY), Pem.write(agency.publicKey()));
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    vertx.setPeriodic(0, 1000, timer -> vertx.fileSystem().readFile(trust.toString()).onSuccess(pem -> {
      try {
        agency.trust(Pem.publicKey(pem.toString(StandardCharsets.US_ASCII)));
        vertx.cancelTimer(timer);
      } catch (IllegalArgumentException e) {
        // not all written yet: the next look reads it again
      }
    }));
    return agency.listen(port).map(p -> agency);
  }

  static String banner(ChannelSandbox sandbox, Path keys) {
    String base = sandbox.baseUrl();
    return "\n  Liangxian channel sandbox is up: WeChat Pay, Alipay and UnionPay stand-ins, no real money moves\n\n"
        + "  channel sandbox listening on port " + sandbox.port() + "\n"
        + "  WeChat Pay      " + base + "   (merchant " + DemoMerchant.MCHID + ", app " + DemoMerchant.WECHAT_APP_ID
        + ", platform key " + sandbox.wechatSerial() + ")\n"
        + "  Alipay          " + base + "/gateway.do   (app " + DemoMerchant.ALIPAY_APP_ID + ")\n"
        + "  UnionPay        " + base + "/gateway/api/backTransReq.do   (merchant " + DemoMerchant.UNIONPAY_MER_ID
        + ", settlement files POST " + base + "/unionpay/file)\n"
        + "  Mini-program login  " + base + "/sns/jscode2session, alipay.system.oauth.token; codes: POST " + base
        + "/sandbox/login/{wechat?appid=|alipay?app_id=}&user=\n"
        + "  Ledger          " + base + "/sandbox/payments\n"
        + "  Faults          POST " + base + "/sandbox/faults\n"
        + "  Keys written to " + keys + "\n";
  }

  private static AgencyEnvelope.Scheme scheme(String s) {
    try {
      return AgencyEnvelope.Scheme.of(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Integer port(String s) {
    try {
      int p = Integer.parseInt(s.trim());
      return p >= 0 && p <= 65535 ? p : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A private key file: readable by its owner only from its first byte, where the file system says who that is. */
  private static void secret(Path p, String content) throws IOException {
    Path tmp;
    try {
      tmp = Files.createTempFile(p.toAbsolutePath().getParent(), "." + p.getFileName(), ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      tmp = Files.createTempFile(p.toAbsolutePath().getParent(), "." + p.getFileName(), ".tmp");
    }
    try {
      Files.writeString(tmp, content);
      Files.move(tmp, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
