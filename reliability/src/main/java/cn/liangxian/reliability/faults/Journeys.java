package cn.liangxian.reliability.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Residents paying while the faults happen: look the household up, order, pay on the channel's page,
 * wait for the answer. Every order a client saw created is written down at once (id and out-trade-no),
 * so that the checks afterwards can account for each.
 *
 * Each client is a resident logged in to the WeChat mini-program (a login code from the channel sandbox,
 * exchanged at the gateway for a session kept in the database, so it outlives a killed gateway).
 *
 * <pre>Journeys &lt;gateway URL&gt; &lt;residents file: idNumber,name per line&gt; &lt;created file&gt; &lt;seconds&gt; &lt;clients&gt; &lt;sandbox URL&gt;</pre>
 */
public final class Journeys {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String base;
  private final List<String[]> residents;
  private final PrintWriter created;
  private final String sandbox;
  private final ThreadLocal<String> token = new ThreadLocal<>();
  /** The mini-program the sandbox's demo merchant runs (its AppSecret is in the key directory the gateway reads). */
  static final String WECHAT_APP_ID = "wxdemo0000000001";
  final AtomicLong lookups = new AtomicLong();
  final AtomicLong orders = new AtomicLong();
  final AtomicLong paid = new AtomicLong();
  final AtomicLong failures = new AtomicLong();

  Journeys(String base, List<String[]> residents, PrintWriter created, String sandbox) {
    this.base = base;
    this.sandbox = sandbox;
    this.residents = residents;
    this.created = created;
  }

  public static void main(String[] args) throws Exception {
    List<String[]> residents = Files.readAllLines(Path.of(args[1])).stream().filter(l -> !l.isBlank()).map(l -> l.split(",")).toList();
    long deadline = System.nanoTime() + Long.parseLong(args[3]) * 1_000_000_000L;
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[2])), true)) {
      Journeys j = new Journeys(args[0], residents, out, args[5]);
      Thread[] clients = new Thread[Integer.parseInt(args[4])];
      for (int i = 0; i < clients.length; i++) {
        clients[i] = new Thread(() -> {
          while (System.nanoTime() < deadline) {
            try {
              j.once();
            } catch (Exception e) {
              j.failures.incrementAndGet();
              try {
                Thread.sleep(200); // the gateway is down or restarting: a resident tries again shortly
              } catch (InterruptedException x) {
                return;
              }
            }
          }
        });
        clients[i].start();
      }
      for (Thread t : clients) {
        t.join();
      }
      System.out.printf("journeys: %d lookups, %d orders created, %d paid on the channel's page, %d attempts failed (gateway down, restarting or refusing)%n",
          j.lookups.get(), j.orders.get(), j.paid.get(), j.failures.get());
    }
  }

  void once() throws IOException, InterruptedException {
    if (token.get() == null) {
      token.set(login());
    }
    String[] r = residents.get(ThreadLocalRandom.current().nextInt(residents.size()));
    ObjectNode q = JSON.createObjectNode().put("idNumber", r[0]).put("name", r[1]);
    HttpResponse<String> h = post(base + "/api/v1/lookup", q.toString(), null);
    lookups.incrementAndGet();
    if (h.statusCode() == 401) {
      token.remove(); // the session is gone: log in again
    }
    if (h.statusCode() != 200) {
      throw new IOException("lookup " + h.statusCode());
    }
    JsonNode household = JSON.readTree(h.body());
    ObjectNode order = JSON.createObjectNode().put("householdRef", household.path("household").path("ref").asText())
        .put("channel", ThreadLocalRandom.current().nextBoolean() ? "wechat" : "alipay").put("mode", "qr");
    ArrayNode items = order.putArray("items");
    for (JsonNode m : household.path("members")) {
      for (JsonNode i : m.path("insurances")) {
        if (i.path("insurance").asText().equals("medical") && i.path("status").asText().equals("unpaid")) {
          items.addObject().put("memberRef", m.path("ref").asText()).put("insurance", "medical").put("year", i.path("year").asInt());
        }
      }
    }
    if (items.isEmpty()) {
      return; // paid already, or an order of theirs is still paying
    }
    HttpResponse<String> o = post(base + "/api/v1/orders", order.toString(), UUID.randomUUID().toString());
    if (o.statusCode() != 201) {
      throw new IOException("order " + o.statusCode());
    }
    JsonNode made = JSON.readTree(o.body());
    created.println(made.path("id").asText() + " " + made.path("outTradeNo").asText());
    orders.incrementAndGet();
    String codeUrl = made.path("payment").path("codeUrl").asText(null);
    if (codeUrl == null) {
      return;
    }
    HttpResponse<String> pay = http.send(HttpRequest.newBuilder(URI.create(codeUrl)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    if (pay.statusCode() == 200) {
      paid.incrementAndGet();
      http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/orders/" + made.path("id").asText() + "?waitSeconds=10&state=PAYING"))
          .header("Authorization", "Bearer " + token.get()).timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.discarding());
    }
  }

  /** wx.login on this client's phone (the sandbox hands out the code), then the gateway's session for it. */
  private String login() throws IOException, InterruptedException {
    HttpResponse<String> code = http.send(HttpRequest.newBuilder(URI.create(sandbox + "/sandbox/login/wechat?appid=" + WECHAT_APP_ID
        + "&user=fault-run-" + Thread.currentThread().getId())).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    if (code.statusCode() != 200) {
      throw new IOException("login code " + code.statusCode());
    }
    HttpResponse<String> session = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/session/wechat"))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("code", JSON.readTree(code.body()).path("code").asText()).toString()))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (session.statusCode() != 201) {
      throw new IOException("login " + session.statusCode());
    }
    return JSON.readTree(session.body()).path("token").asText();
  }

  private HttpResponse<String> post(String url, String body, String key) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + token.get())
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Idempotency-Key", key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
