package cn.liangxian.kiosk.gateway;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kiosk-agent.jar register}: registers this kiosk's public key at the gateway through the operator API, as
 * an administrator would by hand (so the gateway audits it): logs in, posts the key, logs out. The region comes
 * from an id of the form {@code K-<region>-<n>}.
 */
public final class KioskRegistration {
  private static final Pattern REGION = Pattern.compile("K-(\\d{6})-.*");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String gatewayUrl;

  public KioskRegistration(String gatewayUrl) {
    this.gatewayUrl = gatewayUrl.replaceAll("/$", "");
  }

  /** 0 when registered; 1, with the gateway's answer on {@code err}, when refused or unreachable. */
  public int register(KioskIdentity kiosk, String username, String password, PrintStream out, PrintStream err)
      throws InterruptedException {
    try {
      HttpResponse<String> login = post("/api/v1/operator/login", null,
          new JsonObject().put("username", username).put("password", password));
      if (login.statusCode() != 200) {
        err.println("kiosk-agent: login as " + username + " refused (" + login.statusCode() + "): " + login.body());
        return 1;
      }
      String token = new JsonObject(login.body()).getString("token");
      JsonObject body = new JsonObject().put("kioskId", kiosk.kioskId()).put("publicKey", kiosk.publicKeyPem());
      Matcher m = REGION.matcher(kiosk.kioskId());
      if (m.matches()) {
        body.put("regionCode", m.group(1));
      }
      HttpResponse<String> r = post("/api/v1/operator/kiosks", token, body);
      post("/api/v1/operator/logout", token, new JsonObject());
      if (r.statusCode() / 100 != 2) {
        err.println("kiosk-agent: registration refused (" + r.statusCode() + "): " + r.body());
        return 1;
      }
      out.println("registered kiosk " + kiosk.kioskId() + " at " + gatewayUrl);
      return 0;
    } catch (IOException e) {
      err.println("kiosk-agent: the gateway at " + gatewayUrl + " cannot be reached: " + e);
      return 1;
    }
  }

  private HttpResponse<String> post(String path, String token, JsonObject body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gatewayUrl + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The administrator's password: {@code GATEWAY_OPERATOR_PASSWORD}, else the file the gateway wrote on its first start. */
  public static String password(java.util.Map<String, String> env, Path file) throws IOException {
    String p = env.get("GATEWAY_OPERATOR_PASSWORD");
    return p != null && !p.isBlank() ? p : Files.readString(file).strip();
  }
}
