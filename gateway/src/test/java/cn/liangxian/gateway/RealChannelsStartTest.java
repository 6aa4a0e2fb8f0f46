package cn.liangxian.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.channel.Pem;
import cn.liangxian.channel.Vectors;
import cn.liangxian.gateway.config.GatewayOptions;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.support.MutableClock;
import cn.liangxian.gateway.support.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start path of a real deployment: the merchants' keys from files, no sandbox anywhere. */
class RealChannelsStartTest {
  @TempDir
  Path keys;


  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>(Map.of("GATEWAY_SANDBOX", "false", "GATEWAY_PORT", "0", "GATEWAY_DEMO_ROSTER", "false",
        "GATEWAY_KEY_DIR", keys.toString(), "GATEWAY_DATA_DIR", keys.toString(),
        "GATEWAY_OPERATOR_ADMIN_PASSWORD", TestGateway.ADMIN_PASSWORD));
    env.put("GATEWAY_POLICY_DIR", TestGateway.repo().resolve("config/policies").toString());
    env.put("GATEWAY_TARGETS_DIR", TestGateway.repo().resolve("config/targets").toString());
    return env;
  }

  @Test
  void withTheSandboxOffTheGatewayStartsOnTheRealMerchantsAndItsBannerNamesNoSandbox() throws Exception {
    KeyPair merchant = Vectors.rsa();
    Files.writeString(keys.resolve("wechat-merchant-key.pem"), Pem.write(merchant.getPrivate()));
    // the merchant API certificate, as WeChat Pay's CA issues it for the merchant's key: its expiry becomes a gauge
    Instant certificateEnds = Instant.parse("2024-12-15T02:00:00Z");
    Files.writeString(keys.resolve("apiclient_cert.pem"), Pem.write(cn.liangxian.sandbox.Certificates.issue("CN=1900000109",
        merchant.getPublic(), null, merchant.getPrivate(), false, Instant.parse("2019-12-15T02:00:00Z"), certificateEnds,
        new java.math.BigInteger("5157F09EFDC096DE15EBE81A47057A7232F1B8E1", 16))));
    Files.writeString(keys.resolve("wechat-apiv3.key"), "abcdefghijklmnopqrstuvwxyz012345");
    Files.writeString(keys.resolve("wechat-mini-program.secret"), "0123456789abcdef0123456789abcdef");
    Files.writeString(keys.resolve("wechat-pay-public-key.pem"), Pem.write(Vectors.rsa().getPublic()));
    Files.writeString(keys.resolve("alipay-app-key.pem"), Pem.write(Vectors.rsa().getPrivate()));
    Files.writeString(keys.resolve("alipay-public-key.pem"), Pem.write(Vectors.rsa().getPublic()));
    String yaml = Files.readString(TestGateway.repo().resolve("config/gateway.yaml")).replace("mchid: \"\"", "mchid: \"1900000109\"")
        .replace("appId: \"\"", "appId: \"2021000000000109\"")
        .replace("merchantSerial: \"\"", "merchantSerial: \"5157F09EFDC096DE15EBE81A47057A7232F1B8E1\"")
        .replace("merchantCertificateFile: \"\"", "merchantCertificateFile: apiclient_cert.pem");
    Map<String, String> env = env();
    GatewayOptions options = GatewayOptions.fromYaml(yaml, env);
    MutableClock clock = new MutableClock(Instant.parse("2019-12-15T02:00:00Z"));
    var db = TestGateway.server().createDatabase("real_" + ProcessHandle.current().pid());
    try (Gateway g = Gateway.start(options, env, clock, Regions.load(options, clock), db)) {
      assertThat(g.demo()).isNull();
      assertThat(g.sandboxUrl()).isEmpty();
      assertThat(g.channels()).containsOnlyKeys("wechat", "alipay");
      assertThat(g.wechatMerchant().mchid()).isEqualTo("1900000109");
      String banner = Main.banner(g, options, env);
      assertThat(banner).contains("Liangxian gateway is up", "/health/ready").doesNotContain("sandbox", "/demo/", "made up");
      HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + g.httpPort() + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + g.httpPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      String gauge = metrics.lines().filter(l -> l.startsWith("liangxian_channel_certificate_expiry_timestamp_seconds{")
          && l.contains("channel=\"wechat\"")).findFirst().orElseThrow();
      assertThat(gauge).contains("certificate=\"merchant\"", "merchant=\"1900000109\"");
      assertThat(Double.parseDouble(gauge.substring(gauge.lastIndexOf(' ') + 1))).isEqualTo((double) certificateEnds.getEpochSecond());
    }
  }

  @Test
  void withTheSandboxOffAMerchantLeftUnnamedStopsTheStart() throws Exception {
    String shipped = Files.readString(TestGateway.repo().resolve("config/gateway.yaml"));
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped, env()))
        .hasMessage("config/gateway.yaml: channels.wechat.mchid is required when demo.sandbox is false (the real channels)");
  }

  @Test
  void aUnionPayMerchantAndCertificateModeAreTakenFromTheFiles() throws Exception {
    Files.writeString(keys.resolve("wechat-merchant-key.pem"), Pem.write(Vectors.rsa().getPrivate()));
    Files.writeString(keys.resolve("wechat-apiv3.key"), "abcdefghijklmnopqrstuvwxyz012345");
    Files.writeString(keys.resolve("wechat-mini-program.secret"), "0123456789abcdef0123456789abcdef");
    Files.writeString(keys.resolve("alipay-app-key.pem"), Pem.write(Vectors.rsa().getPrivate()));
    Files.writeString(keys.resolve("alipay-public-key.pem"), Pem.write(Vectors.rsa().getPublic()));
    Files.writeString(keys.resolve("unionpay-sign-key.pem"), Vectors.text("merchant-rsa.pem"));
    Files.writeString(keys.resolve("unionpay-sign-cert.pem"), Vectors.text("unionpay-merchant-cert.pem"));
    Files.writeString(keys.resolve("unionpay-root.pem"), Vectors.text("unionpay-root.pem"));
    Files.writeString(keys.resolve("unionpay-middle.pem"), Vectors.text("unionpay-middle.pem"));
    // certificate mode needs no platform key on disk; the download (to a closed local port here) is retried
    String yaml = Files.readString(TestGateway.repo().resolve("config/gateway.yaml")).replace("mchid: \"\"", "mchid: \"1900000109\"")
        .replace("appId: \"\"", "appId: \"2021000000000109\"").replace("merchantSerial: \"\"", "merchantSerial: \"SERIAL0109\"")
        .replace("merId: \"\"", "merId: \"777290058110048\"").replace("keyMode: publicKey", "keyMode: certificates")
        .replace("baseUrl: https://api.mch.weixin.qq.com", "baseUrl: http://127.0.0.1:1")
        .replaceAll("(?m)^      - \\{serial: \"PUB_KEY_ID_\\.\\.\\.\", file: wechat-pay-public-key.pem}\\n", "")
        .replace("    platformKeys:", "    platformKeys: []");
    // a collecting body's WeChat Pay merchant in certificate mode too: its certificates are its own to download
    Files.writeString(keys.resolve("rugao-wechat-key.pem"), Pem.write(Vectors.rsa().getPrivate()));
    Files.writeString(keys.resolve("rugao-wechat-apiv3.key"), "zyxwvutsrqponmlkjihgfedcba543210");
    String body = "  merchants:\n    - name: rugao-medical\n      regions: [\"320682\"]\n"
        + "      wechat: {mchid: \"1900000002\", appId: \"wx0000000000000002\", merchantSerial: \"SERIAL0002\","
        + " merchantKeyFile: rugao-wechat-key.pem, apiV3KeyFile: rugao-wechat-apiv3.key, keyMode: certificates}\n";
    Map<String, String> env = env();
    GatewayOptions options = GatewayOptions.fromYaml(yaml.replace("  merchants: []\n", body), env);
    assertThat(options.wechat().certificates()).isTrue();
    MutableClock clock = new MutableClock(Instant.parse("2027-06-01T02:00:00Z"));
    var db = TestGateway.server().createDatabase("realup_" + ProcessHandle.current().pid());
    try (Gateway g = Gateway.start(options, env, clock, Regions.load(options, clock), db)) {
      assertThat(g.channels()).containsOnlyKeys("wechat", "alipay", "unionpay");
      HttpResponse<String> offered = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + g.httpPort() + "/api/v1/channels")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(offered.body()).contains("\"unionpay\"", "云闪付");
      // each merchant's download was claimed (and, the address closed, put off for a retry)
      cn.liangxian.gateway.support.Eventually.until("both merchants' certificate downloads claimed", () -> {
        try (var c = db.connect(); var st = c.createStatement();
            var rs = st.executeQuery("select string_agg(mchid, ',' order by mchid) from wechat_certificate_download")) {
          rs.next();
          return "1900000002,1900000109".equals(rs.getString(1));
        }
      });
    }
    // in public-key mode a body's merchant needs WeChat Pay's key, as the default one does
    String noKey = yaml.replace("keyMode: certificates", "keyMode: publicKey").replace("    platformKeys: []",
        "    platformKeys: [{serial: \"PUB_KEY_ID_0109\", file: wechat-merchant-key.pem}]")
        .replace("  merchants: []\n", body.replace(", keyMode: certificates", ""));
    assertThatThrownBy(() -> GatewayOptions.fromYaml(noKey, env))
        .hasMessageContaining("channels.merchants[0].wechat.platformKeys needs at least one key");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(yaml.replace("    merId: ", "    merchantId: "), env))
        .hasMessageContaining("channels.unionpay.merchantId");
  }
}
