package cn.liangxian.sandbox.agency;

import cn.liangxian.channel.agency.AgencyEnvelope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the receiving agency systems (medical insurance, pension): it takes signed batches of
 * contribution records over HTTP ({@code POST /agency/{receiver}/records}), checks the gateway's
 * signature, opens the sealed fields, and answers per record, signed with its own key: accepted,
 * duplicate (a record id it has), or refused (an ID number on its refusal list). On demand it is down
 * (503), slow, or loses its answers after storing (so that the gateway sends again and hears "duplicate").
 * It counts how often each record was taken as new: the tests' and the load test's "sent twice" check.
 */
public final class AgencySimulator {
  private final Vertx vertx;
  private final Clock clock;
  private final KeyPair keys;
  private volatile PublicKey gatewayKey;
  private final Map<String, JsonObject> records = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> takenAsNew = new ConcurrentHashMap<>();
  private final Map<String, String> refusals = new ConcurrentHashMap<>();
  private final java.util.Set<String> rejectedWhole = ConcurrentHashMap.newKeySet();
  private final java.util.Set<String> silent = ConcurrentHashMap.newKeySet();
  private final java.util.Set<String> heldPersons = ConcurrentHashMap.newKeySet();
  /** Batches waiting for a person of theirs to be let go ({@link #holdBatchesWith}), with their bodies. */
  private final java.util.Queue<Map.Entry<HttpServerRequest, Buffer>> held = new java.util.concurrent.ConcurrentLinkedQueue<>();
  /** The requests left unanswered, by receiver. */
  private final Map<String, java.util.Queue<HttpServerRequest>> unanswered = new ConcurrentHashMap<>();
  private final AtomicInteger batches = new AtomicInteger();
  private final AtomicInteger answersToLose = new AtomicInteger();
  private volatile boolean down;
  private volatile long delayMillis;
  private volatile HttpServer server;

  public AgencySimulator(Vertx vertx, Clock clock, AgencyEnvelope.Scheme scheme) {
    this.vertx = vertx;
    this.clock = clock;
    this.keys = AgencyEnvelope.generate(scheme);
  }

  /** The key whose holder the simulator believes: the gateway's public hand-off key. */
  public void trust(PublicKey gateway) {
    this.gatewayKey = gateway;
  }

  public PublicKey publicKey() {
    return keys.getPublic();
  }

  /** Listens on loopback (0: any free port); resolves to the port. */
  public Future<Integer> listen(int port) {
    return vertx.createHttpServer().requestHandler(this::handle).listen(port, "127.0.0.1").map(s -> {
      server = s;
      return s.actualPort();
    });
  }

  /** Where a receiver of this name is reached. */
  public String url(String receiver) {
    return "http://127.0.0.1:" + server.actualPort() + "/agency/" + receiver + "/records";
  }

  /** Down (every request answered 503) or up again. */
  public void down(boolean down) {
    this.down = down;
  }

  public void delay(long millis) {
    this.delayMillis = millis;
  }

  /** The next {@code n} batches are stored but their answers lost on the way back. */
  public void loseAnswers(int n) {
    answersToLose.set(n);
  }

  /** Records of this person are refused with this reason. */
  public void refuse(String idNumber, String reason) {
    refusals.put(idNumber, reason);
  }

  /**
   * A batch that carries a record of this person is answered 400 whole and none of it is taken, as a receiver that
   * checks a whole batch before it takes any does when one record will not pass (or {@code false}: taken again).
   */
  public void rejectBatchesWith(String idNumber, boolean reject) {
    if (reject) {
      rejectedWhole.add(idNumber);
    } else {
      rejectedWhole.remove(idNumber);
    }
  }

  /**
   * A batch that carries a record of this person (and is not rejected whole) is taken and left unanswered, as a slow
   * receiver's is, until {@code false} lets the person go: then it is answered as any other.
   */
  public void holdBatchesWith(String idNumber, boolean hold) {
    if (hold) {
      heldPersons.add(idNumber);
      return;
    }
    heldPersons.remove(idNumber);
    for (int n = held.size(); n > 0; n--) {
      Map.Entry<HttpServerRequest, Buffer> waiting = held.poll();
      if (waiting != null) {
        vertx.runOnContext(v -> answer(waiting.getKey(), waiting.getValue()));
      }
    }
  }

  /** The batches held now ({@link #holdBatchesWith}). */
  public int batchesHeld() {
    return held.size();
  }

  /**
   * Requests for this receiver are taken and never answered (a system that hangs), or, {@code false}, answered again:
   * those left waiting are answered 503 then.
   */
  public void silent(String receiver, boolean silent) {
    if (silent) {
      this.silent.add(receiver);
      return;
    }
    this.silent.remove(receiver);
    java.util.Queue<HttpServerRequest> waiting = unanswered.remove(receiver);
    for (HttpServerRequest req : waiting == null ? java.util.List.<HttpServerRequest>of() : waiting) {
      vertx.runOnContext(v -> {
        if (!req.response().ended() && !req.response().closed()) {
          req.response().setStatusCode(503).end("was silent");
        }
      });
    }
  }

  /** Records of this person are taken again (the roster was fixed). */
  public void accept(String idNumber) {
    refusals.remove(idNumber);
  }

  /** The records taken, by record id, with their fields opened. */
  public Map<String, JsonObject> records() {
    return Map.copyOf(records);
  }

  /** Contributions (kind, person, insurance, year, order, refund) taken as new more than once: must stay empty. */
  public List<String> takenTwice() {
    return takenAsNew.entrySet().stream().filter(e -> e.getValue().get() > 1).map(Map.Entry::getKey).toList();
  }

  public int batches() {
    return batches.get();
  }

  /**
   * Sends changes as an agency does: each change's {@code idNumber} sealed under a fresh key wrapped for
   * {@code gatewayKey}, the message signed with this simulator's key on behalf of receiver {@code sender}.
   * Resolves to the gateway's status and answer.
   */
  public Future<Map.Entry<Integer, JsonObject>> sendChanges(String url, String sender, PublicKey gatewayKey, List<JsonObject> changes) {
    byte[] key = AgencyEnvelope.newKey();
    JsonArray out = new JsonArray();
    for (JsonObject c : changes) {
      out.add(c.copy().put("idNumber", AgencyEnvelope.seal(key, c.getString("idNumber"))));
    }
    Buffer body = new JsonObject().put("sender", sender).put("key", AgencyEnvelope.wrap(gatewayKey, key)).put("changes", out).toBuffer();
    return sendSigned(url, sender, body)
        .map(r -> Map.entry(r.statusCode(), r.bodyAsJsonObject() == null ? new JsonObject() : r.bodyAsJsonObject()));
  }

  /**
   * Sends {@code body} as it is, signed with this simulator's key on behalf of receiver {@code sender}: a message
   * a faulty agency system might send. Resolves to the gateway's response.
   */
  public Future<io.vertx.ext.web.client.HttpResponse<Buffer>> sendSigned(String url, String sender, Buffer body) {
    String ts = Long.toString(clock.instant().getEpochSecond());
    String nonce = UUID.randomUUID().toString();
    return io.vertx.ext.web.client.WebClient.create(vertx).postAbs(url).putHeader("Content-Type", "application/json")
        .putHeader(AgencyEnvelope.SENDER, sender).putHeader(AgencyEnvelope.TIMESTAMP, ts).putHeader(AgencyEnvelope.NONCE, nonce)
        .putHeader(AgencyEnvelope.SIGNATURE, AgencyEnvelope.sign(keys.getPrivate(), ts, nonce, body.getBytes())).sendBuffer(body);
  }

  /** Where the simulator answers, e.g. for its ledger ({@code GET /agency/ledger}). */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  private void handle(HttpServerRequest req) {
    if (req.path().equals("/agency/ledger")) {
      // what a load test checks: records taken, and any taken as new twice
      req.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("records", records.size())
          .put("batches", batches.get()).put("takenTwice", new JsonArray(takenTwice())).encode());
      return;
    }
    if (!req.path().startsWith("/agency/") || !req.path().endsWith("/records")) {
      req.response().setStatusCode(404).end();
      return;
    }
    req.body().onSuccess(body -> {
      String receiver = req.path().substring("/agency/".length(), req.path().length() - "/records".length());
      if (silent.contains(receiver)) {
        unanswered.computeIfAbsent(receiver, r -> new java.util.concurrent.ConcurrentLinkedQueue<>()).add(req);
        return;
      }
      if (delayMillis > 0) {
        vertx.setTimer(delayMillis, t -> answer(req, body));
      } else {
        answer(req, body);
      }
    });
  }

  private void answer(HttpServerRequest req, Buffer body) {
    if (down) {
      req.response().setStatusCode(503).end("down");
      return;
    }
    if (gatewayKey == null || !AgencyEnvelope.verify(gatewayKey, req.getHeader(AgencyEnvelope.TIMESTAMP),
        req.getHeader(AgencyEnvelope.NONCE), body.getBytes(), req.getHeader(AgencyEnvelope.SIGNATURE))) {
      req.response().setStatusCode(401).end("signature");
      return;
    }
    batches.incrementAndGet();
    JsonObject batch = new JsonObject(body.toString(StandardCharsets.UTF_8));
    byte[] key = AgencyEnvelope.unwrap(keys.getPrivate(), batch.getString("key"));
    for (Object o : batch.getJsonArray("records")) {
      if (rejectedWhole.contains(AgencyEnvelope.open(key, ((JsonObject) o).getString("idNumber")))) {
        req.response().setStatusCode(400).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("error", "record " + ((JsonObject) o).getString("recordId") + " does not pass").encode());
        return;
      }
    }
    for (Object o : batch.getJsonArray("records")) {
      if (heldPersons.contains(AgencyEnvelope.open(key, ((JsonObject) o).getString("idNumber")))) {
        batches.decrementAndGet(); // counted when it is answered
        held.add(Map.entry(req, body));
        return;
      }
    }
    JsonArray results = new JsonArray();
    for (Object o : batch.getJsonArray("records")) {
      results.add(take((JsonObject) o, key));
    }
    if (answersToLose.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      req.response().setStatusCode(502).end("answer lost");
      return;
    }
    reply(req, new JsonObject().put("batchId", batch.getString("batchId")).put("results", results));
  }

  private JsonObject take(JsonObject r, byte[] key) {
    String id = r.getString("recordId");
    JsonObject answer = new JsonObject().put("recordId", id);
    JsonObject open = r.copy().put("idNumber", AgencyEnvelope.open(key, r.getString("idNumber")))
        .put("name", AgencyEnvelope.open(key, r.getString("name")));
    String refusal = refusals.get(open.getString("idNumber"));
    if (refusal != null) {
      return answer.put("answer", "refused").put("reason", refusal);
    }
    if (records.putIfAbsent(id, open) != null) {
      return answer.put("answer", "duplicate");
    }
    // the same contribution (or reversal) under another record id would be a payment counted twice
    String natural = String.join("|", open.getString("kind"), open.getString("idNumber"), open.getString("insurance"),
        String.valueOf(open.getValue("year")), open.getString("orderId"), String.valueOf(open.getValue("refundNo")));
    takenAsNew.computeIfAbsent(natural, k -> new AtomicInteger()).incrementAndGet();
    return answer.put("answer", "accepted");
  }

  private void reply(HttpServerRequest req, JsonObject answer) {
    Buffer b = answer.toBuffer();
    String ts = Long.toString(clock.instant().getEpochSecond());
    String nonce = UUID.randomUUID().toString();
    req.response().putHeader("Content-Type", "application/json").putHeader(AgencyEnvelope.TIMESTAMP, ts)
        .putHeader(AgencyEnvelope.NONCE, nonce)
        .putHeader(AgencyEnvelope.SIGNATURE, AgencyEnvelope.sign(keys.getPrivate(), ts, nonce, b.getBytes())).end(b);
  }
}
