package cn.liangxian.reliability.fuzz;

import cn.liangxian.channel.Pem;
import cn.liangxian.policy.IdNumber;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What a fuzz run needs on the gateway before it starts, made through the public API as an operator
 * would: a small roster, an account of every role, a registered kiosk, a resident logged in to the WeChat
 * mini-program (with a login code from the demo's channel sandbox), a household looked up and an order
 * created by that resident. Its values go into the {@link Context}; the callers it makes are returned.
 */
public final class Setup {
  static final String REGION = "371312";
  static final String TOWNSHIP = "汤头街道";
  static final String VILLAGE = "汤头村";
  static final String KIOSK = "K-371312-0901";
  /** The account the fuzzer may lock, disable and fail to log into. */
  static final String VICTIM = "fuzz-victim";

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;

  /**
   * The finance account the fuzzer acts as (every region), with its password: created before {@link #prepare} on the
   * server's side ({@code gateway.jar operator add fuzz-finance finance}), since the accounts API makes no finance account.
   */
  public static final String FINANCE = "fuzz-finance";
  public static final String FINANCE_PASSWORD = "fuzz-finance-password-long";

  public Setup(String base) {
    this.base = base;
  }

  public static String id(String birth, int seq) {
    String body = REGION + birth + String.format("%03d", seq);
    return body + IdNumber.checkCharacter(body);
  }

  public List<Caller> prepare(String adminPassword, Clock gatewayClock, Context ctx) throws Exception {
    String admin = login("admin", adminPassword);
    String zhang = id("19800101", 901);
    String roster = "region_code,township,village,household,id_number,name,local,guardian_id_number,guardian_name,guardian_phone,enrolled_elsewhere\n"
        + String.join(",", REGION, TOWNSHIP, VILLAGE, "FZ1", zhang, "张测试", "true", "", "", "", "false") + "\n"
        + String.join(",", REGION, TOWNSHIP, VILLAGE, "FZ1", id("19820505", 902), "李测试", "true", "", "", "", "false") + "\n"
        + String.join(",", REGION, TOWNSHIP, VILLAGE, "FZ2", id("19450303", 903), "王测试", "true", "", "", "", "false") + "\n";
    expect(call("POST", "/api/v1/operator/rosters?file=fuzz-roster.csv", admin, "text/csv", roster.getBytes(StandardCharsets.UTF_8)), 200);
    List<Caller> callers = new ArrayList<>(List.of(Callers.anonymous(), Callers.operator("admin", admin)));
    // finance moves money: no administrator creates it over the API (refused, nothing created); the harness made it on
    // the server, as `gateway.jar operator add` does
    expect(call("POST", "/api/v1/operator/accounts", admin, "application/json", JSON.writeValueAsBytes(JSON.createObjectNode()
        .put("username", "fuzz-finance-by-admin").put("role", "finance").put("password", FINANCE_PASSWORD))), 403);
    callers.add(Callers.operator("finance", login(FINANCE, FINANCE_PASSWORD)));
    for (String role : new String[] {"township", "village"}) {
      callers.add(Callers.operator(role, account(admin, "fuzz-" + role, role)));
    }
    account(admin, VICTIM, "village");
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kiosk = g.generateKeyPair();
    ObjectNode reg = JSON.createObjectNode().put("kioskId", KIOSK).put("publicKey", Pem.write(kiosk.getPublic())).put("regionCode", REGION);
    expect(call("POST", "/api/v1/operator/kiosks", admin, "application/json", JSON.writeValueAsBytes(reg)), 200, 201);
    callers.add(Callers.kiosk(KIOSK, kiosk, gatewayClock));
    String resident = residentSession();
    callers.add(Callers.resident(resident));
    ctx.put("kioskId", KIOSK).put("publicKey", Pem.write(kiosk.getPublic())).put("regionCode", REGION).put("region", REGION)
        .put("township", TOWNSHIP).put("village", VILLAGE).put("idNumber", zhang).put("name", "张测试")
        .put("insurance", "medical").put("channel", "wechat").put("mode", "qr").put("reason", "duplicate").put("reader", "ok")
        .put("username", VICTIM).put("current", "not-the-password-at-all").put("password", "a-new-password-long-1")
        .put("date", "2019-12-15").put("file", "fuzz.csv");
    household(ctx, resident);
    return callers;
  }

  /**
   * wx.login on a phone (the demo's sandbox hands out the code, as WeChat would), exchanged at the gateway
   * for a session: the gateway must run in demo mode, where {@code /demo/sandbox.json} says where the sandbox is.
   */
  private String residentSession() throws Exception {
    JsonNode demo = JSON.readTree(expect(call("GET", "/demo/sandbox.json", null, "application/json", new byte[0]), 200).body());
    HttpResponse<byte[]> code = http.send(HttpRequest.newBuilder(URI.create(demo.path("sandboxUrl").asText()
            + "/sandbox/login/wechat?appid=" + demo.path("wechatAppId").asText() + "&user=fuzz-resident"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
    expect(code, 200);
    ObjectNode body = JSON.createObjectNode().put("code", JSON.readTree(code.body()).path("code").asText());
    return JSON.readTree(expect(call("POST", "/api/v1/session/wechat", null, "application/json", JSON.writeValueAsBytes(body)), 201)
        .body()).path("token").asText();
  }

  private void household(Context ctx, String resident) throws Exception {
    ObjectNode q = JSON.createObjectNode().put("idNumber", ctx.string("idNumber")).put("name", ctx.string("name"));
    JsonNode h = JSON.readTree(expect(call("POST", "/api/v1/lookup", null, "application/json", JSON.writeValueAsBytes(q)), 200).body());
    JsonNode member = h.path("members").get(0);
    ctx.put("householdRef", h.path("household").path("ref").asText()).put("memberRef", member.path("ref").asText());
    for (JsonNode i : member.path("insurances")) {
      if (i.path("insurance").asText().equals("medical")) {
        ctx.put("year", i.path("year").asInt());
      }
    }
    ObjectNode order = JSON.createObjectNode().put("householdRef", ctx.string("householdRef")).put("channel", "wechat").put("mode", "qr");
    order.putArray("items").addObject().put("memberRef", ctx.string("memberRef")).put("insurance", "medical")
        .put("year", ((Number) ctx.get("year")).intValue());
    HttpResponse<byte[]> o = call("POST", "/api/v1/orders", resident, "application/json", JSON.writeValueAsBytes(order),
        "Idempotency-Key", UUID.randomUUID().toString());
    if (o.statusCode() == 201) {
      String id = JSON.readTree(o.body()).path("id").asText();
      ctx.put("id", id).put("orderId", id);
    } else {
      // a second run on the same database: the member's order is still live; any order id will do
      ctx.put("id", UUID.randomUUID().toString()).put("orderId", UUID.randomUUID().toString());
    }
  }

  private String account(String admin, String username, String role) throws Exception {
    String password = username + "-password-long";
    ObjectNode a = JSON.createObjectNode().put("username", username).put("displayName", username).put("role", role).put("password", password);
    a.put("region", REGION);
    if (role.equals("township") || role.equals("village")) {
      a.put("township", TOWNSHIP);
    }
    if (role.equals("village")) {
      a.put("village", VILLAGE);
    }
    expect(call("POST", "/api/v1/operator/accounts", admin, "application/json", JSON.writeValueAsBytes(a)), 201, 409);
    return username.equals(VICTIM) ? null : login(username, password);
  }

  String login(String username, String password) throws Exception {
    ObjectNode b = JSON.createObjectNode().put("username", username).put("password", password);
    HttpResponse<byte[]> r = expect(call("POST", "/api/v1/operator/login", null, "application/json", JSON.writeValueAsBytes(b)), 200);
    return JSON.readTree(r.body()).path("token").asText();
  }

  HttpResponse<byte[]> call(String method, String path, String token, String type, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.ofByteArray(body))
        .header("Content-Type", type);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static HttpResponse<byte[]> expect(HttpResponse<byte[]> r, int... statuses) {
    for (int s : statuses) {
      if (r.statusCode() == s) {
        return r;
      }
    }
    throw new IllegalStateException("setup: " + r.request().method() + " " + r.uri().getPath() + " answered " + r.statusCode()
        + ": " + new String(r.body(), StandardCharsets.UTF_8));
  }
}
