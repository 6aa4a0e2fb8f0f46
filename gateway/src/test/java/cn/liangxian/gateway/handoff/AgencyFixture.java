package cn.liangxian.gateway.handoff;

import cn.liangxian.channel.Pem;
import cn.liangxian.channel.agency.AgencyEnvelope;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.agency.AgencySimulator;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gateway whose receivers are an agency simulator of the test's own: 河东 (371312) and 冷水滩 (431103)
 * medical over HTTP push, 如皋 (320682) medical in daily GB18030 files under {@link #files}. Each test
 * makes households of its own ({@link #household}), so that one gateway serves a whole test class.
 */
final class AgencyFixture implements AutoCloseable {
  private static final AtomicInteger SEQ = new AtomicInteger(500);
  /** The gateway's wait for a receiver's answer: longer than any test waits. */
  static final java.time.Duration PUSH_TIMEOUT = java.time.Duration.ofMinutes(5);
  final Vertx vertx = Vertx.vertx();
  final AgencySimulator agency;
  final Path keys;
  final Path files;
  final Map<String, String> env;
  volatile TestGateway g;

  AgencyFixture() throws Exception {
    this(true);
  }

  /** {@code pinned} false: 冷水滩's assessments follow the test's clock instead of the demo's fixed pay date. */
  AgencyFixture(boolean pinned) throws Exception {
    this(pinned, Map.of());
  }

  /** As {@link #AgencyFixture(boolean)}, the gateway started with {@code more} settings (environment variables). */
  AgencyFixture(boolean pinned, Map<String, String> more) throws Exception {
    // the agency's clock is the gateway's (which the tests move), for the timestamps it signs
    agency = new AgencySimulator(vertx, new java.time.Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public java.time.Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public java.time.Instant instant() {
        return g == null ? java.time.Instant.now() : g.clock.instant();
      }
    }, AgencyEnvelope.Scheme.SM2);
    agency.listen(0).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    keys = Files.createTempDirectory("handoff-keys-");
    files = Files.createTempDirectory("handoff-files-");
    Files.writeString(keys.resolve("agency.pub.pem"), Pem.write(agency.publicKey()));
    String yaml = Files.readString(TestGateway.repo().resolve("config/gateway.yaml")).replace("  receivers: []\n", String.join("\n",
        "  receivers:",
        "    - {name: hd-medical, region: \"371312\", insurance: medical, transport: http, url: \"" + agency.url("hd-medical")
            + "\", keyFile: agency.pub.pem}",
        "    - {name: ls-medical, region: \"431103\", insurance: medical, transport: http, url: \"" + agency.url("ls-medical")
            + "\", keyFile: agency.pub.pem}",
        "    - {name: rg-medical, region: \"320682\", insurance: medical, transport: file, charset: GB18030,"
            + " keyFile: agency.pub.pem, folder: \"" + files + "\"}", ""));
    if (!pinned) {
      String pin = "{code: \"431103\", book: lengshuitan-2020.yaml, payDate: 2019-10-20}";
      if (!yaml.contains(pin)) {
        throw new IllegalStateException("the configuration no longer pins 431103's pay date as " + pin);
      }
      yaml = yaml.replace(pin, "{code: \"431103\", book: lengshuitan-2020.yaml}");
    }
    Path config = keys.resolve("gateway.yaml");
    Files.writeString(config, yaml);
    // a receiver kept silent waits out the test (the push timeout), never a time the machine's speed decides
    Map<String, String> settings = new java.util.HashMap<>(Map.of("GATEWAY_CONFIG", config.toString(), "GATEWAY_KEY_DIR",
        keys.toString(), "GATEWAY_HANDOFF_SWEEP_MILLIS", "100", "GATEWAY_HANDOFF_REFUND_DELAY_MINUTES", "60",
        "GATEWAY_HANDOFF_PUSH_TIMEOUT_MILLIS", String.valueOf(PUSH_TIMEOUT.toMillis())));
    settings.putAll(more);
    env = Map.copyOf(settings);
    g = Fixture.load(new TestGateway(env));
    agency.trust(Pem.publicKey(Files.readString(keys.resolve("handoff-key.pub.pem"))));
  }

  /** A new two-person household (adults, no special group) in 冷水滩 (HTTP) or 如皋 (files): its ID numbers. */
  String[] household(String region) {
    return household(region, 2);
  }

  /** A new household of {@code size} adults (no special group, at most eight) in 冷水滩 or 如皋: its ID numbers. */
  String[] household(String region, int size) {
    String[] names = {"赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七", "王八"};
    int n = SEQ.addAndGet(size);
    String place = region.equals("320682") ? "320682,如城街道,大明社区," : "431103,黄阳司镇,黄阳司村,";
    String[] ids = new String[size];
    StringBuilder csv = new StringBuilder(
        "region_code,township,village,household,id_number,name,local,guardian_id_number,guardian_name,guardian_phone,enrolled_elsewhere\n");
    for (int i = 0; i < size; i++) {
      ids[i] = TestGateway.id(region, (1970 + 2 * i) + "-0" + (2 + i) + "-0" + (2 + i), n + 1 + i);
      csv.append(place).append('T').append(n).append(',').append(ids[i]).append(',').append(names[i]).append(",true,,,,false\n");
    }
    var report = g.importCsv("household-" + n + ".csv", csv.toString());
    if (report.imported() != size) {
      throw new IllegalStateException("household did not import: " + report.problems());
    }
    return ids;
  }

  /** Pays a household's medical insurance for 2020 on the sandbox and waits until the order is paid. */
  JsonObject pay(String id, String name, String channel) throws Exception {
    JsonObject o = g.payWholeHousehold(id, name, "medical", 2020, channel);
    g.awaitState(o.getString("id"), "PAID");
    return o;
  }

  /** Sends changes to the gateway as the receiver {@code sender} would, signed and sealed. */
  Map.Entry<Integer, JsonObject> changes(String sender, JsonObject... changes) throws Exception {
    return agency.sendChanges("http://127.0.0.1:" + g.gateway.httpPort() + "/api/v1/agency/changes", sender, gatewayKey(),
        java.util.List.of(changes))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** The gateway's public hand-off key, for which an agency wraps its message keys. */
  java.security.PublicKey gatewayKey() throws Exception {
    return Pem.publicKey(Files.readString(keys.resolve("handoff-key.pub.pem")));
  }

  /** Sends {@code message} to the changes endpoint as it is, signed as the receiver {@code sender} signs. */
  HttpResponse<Buffer> signed(String sender, String message) throws Exception {
    return agency.sendSigned("http://127.0.0.1:" + g.gateway.httpPort() + "/api/v1/agency/changes", sender, Buffer.buffer(message))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  long count(String sql) throws Exception {
    return g.count(sql);
  }

  String sqlText(String sql) throws Exception {
    return g.text(sql);
  }

  void sql(String sql) throws Exception {
    g.sql(sql);
  }

  @Override
  public void close() throws Exception {
    g.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    org.apache.commons.io.file.PathUtils.deleteDirectory(keys);
    org.apache.commons.io.file.PathUtils.deleteDirectory(files);
  }
}
