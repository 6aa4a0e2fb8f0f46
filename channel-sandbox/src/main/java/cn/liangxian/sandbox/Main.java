package cn.liangxian.sandbox;

import cn.liangxian.channel.Pem;
import cn.liangxian.channel.wechat.WechatPayScheme;
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
 */
public final class Main {
  private static final String USAGE = """
      usage: java -jar channel-sandbox.jar
        Environment: SANDBOX_PORT (default 8090, 0: any free port), SANDBOX_KEY_DIR (default ./sandbox-keys)""";

  private Main() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    Integer port = args.length == 0 ? port(env.getOrDefault("SANDBOX_PORT", "8090")) : null;
    if (port == null) {
      System.err.println(USAGE);
      System.exit(args.length == 1 && args[0].equals("--help") ? 0 : 2);
    }
    Path keys = Path.of(env.getOrDefault("SANDBOX_KEY_DIR", "sandbox-keys")).toAbsolutePath();
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

  private static Integer port(String s) {
    try {
      int p = Integer.parseInt(s.trim());
      return p >= 0 && p <= 65535 ? p : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A private key file: readable by its owner only, where the file system says who that is. */
  private static void secret(Path p, String content) throws IOException {
    Files.writeString(p, content);
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
  }
}
