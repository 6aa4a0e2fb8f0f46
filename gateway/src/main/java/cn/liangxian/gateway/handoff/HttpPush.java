package cn.liangxian.gateway.handoff;

import cn.liangxian.channel.agency.AgencyEnvelope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch of records pushed to a receiver as one signed JSON request; its answer, signed by the
 * receiver, says per record accepted, duplicate or refused. Sealing and signing run on a worker thread.
 */
final class HttpPush {
  private static final Logger LOG = LoggerFactory.getLogger(HttpPush.class);

  /** The receiver's word on one record. */
  record Answer(String answer, String reason) {}

  static final String SENDER = "liangxian-gateway";

  private final Vertx vertx;
  private final WebClient client;
  private final ExchangeKeys keys;
  private final ContributionRecord records;
  private final Clock clock;
  /** How long the receiver may be silent before the batch counts as not delivered. */
  private final long timeoutMillis;

  HttpPush(Vertx vertx, WebClient client, ExchangeKeys keys, ContributionRecord records, Clock clock, java.time.Duration timeout) {
    this.vertx = vertx;
    this.client = client;
    this.keys = keys;
    this.records = records;
    this.clock = clock;
    this.timeoutMillis = timeout.toMillis();
  }

  /**
   * A batch the receiver would not take whole (it answered 400, 413 or 422: something in it does not pass its checks, or
   * it is too big), or that could
   * not be made (a record that cannot be built): sent again in parts, it holds back only the record at fault.
   */
  static final class Rejected extends IllegalStateException {
    Rejected(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The answers by record id; a failed future when the receiver could not be reached or its answer is not its own
   * ({@link Rejected} where it refused the batch whole).
   */
  Future<Map<UUID, Answer>> send(Receiver r, List<Row> batch) {
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    String nonce = UUID.randomUUID().toString();
    return vertx.executeBlocking(() -> {
      byte[] key = AgencyEnvelope.newKey();
      JsonArray out = new JsonArray();
      batch.forEach(row -> out.add(records.json(row, key)));
      Buffer body = new JsonObject().put("sender", SENDER).put("receiver", r.name()).put("batchId", nonce)
          .put("key", AgencyEnvelope.wrap(r.key(), key)).put("records", out).toBuffer();
      return Map.entry(body, AgencyEnvelope.sign(keys.privateKey(), timestamp, nonce, body.getBytes()));
    }, false).recover(e -> Future.failedFuture(new Rejected("the batch for " + r.name() + " could not be made: " + e, e))).compose(signed -> client.postAbs(r.url()).timeout(timeoutMillis).putHeader("Content-Type", "application/json")
        .putHeader(AgencyEnvelope.SENDER, SENDER).putHeader(AgencyEnvelope.TIMESTAMP, timestamp)
        .putHeader(AgencyEnvelope.NONCE, nonce)
        .putHeader(AgencyEnvelope.SIGNATURE_ALGORITHM, AgencyEnvelope.Scheme.ofKey(keys.privateKey()).signature)
        .putHeader(AgencyEnvelope.SIGNATURE, signed.getValue()).sendBuffer(signed.getKey()))
        .compose(resp -> vertx.executeBlocking(() -> answers(r, resp, nonce, sent(batch)), false));
  }

  /** The record ids a batch carries. */
  private static java.util.Set<UUID> sent(List<Row> batch) {
    java.util.Set<UUID> ids = new java.util.HashSet<>();
    batch.forEach(row -> ids.add(row.getUUID("idempotency_id")));
    return ids;
  }

  /**
   * The receiver's answers to this batch: signed with its key, for the batch sent ({@code batchId}), and only for the
   * records it carried, so that no answer to another batch, another receiver's records or an answer replayed marks a
   * record answered that this receiver was not sent now.
   */
  private static Map<UUID, Answer> answers(Receiver r, HttpResponse<Buffer> resp, String batchId, java.util.Set<UUID> sent) {
    return answers(r, resp.statusCode(), resp::getHeader, resp.body() == null ? Buffer.buffer() : resp.body(), batchId, sent);
  }

  static Map<UUID, Answer> answers(Receiver r, int status, java.util.function.UnaryOperator<String> header, Buffer body,
      String batchId, java.util.Set<UUID> sent) {
    if (status == 400 || status == 413 || status == 422) {
      // something in this batch, or its size: not the receiver's address, its rules for every sender, nor its load
      throw new Rejected(r.name() + " answered HTTP " + status + " to the whole batch", null);
    }
    if (status != 200) {
      throw new IllegalStateException(r.name() + " answered HTTP " + status);
    }
    if (!AgencyEnvelope.verify(r.key(), header.apply(AgencyEnvelope.TIMESTAMP), header.apply(AgencyEnvelope.NONCE),
        body.getBytes(), header.apply(AgencyEnvelope.SIGNATURE))) {
      throw new IllegalStateException(r.name() + "'s answer is not signed with its key");
    }
    JsonObject answered = new JsonObject(body.toString(StandardCharsets.UTF_8));
    if (!batchId.equals(answered.getValue("batchId"))) {
      throw new IllegalStateException(r.name() + " answered for batch " + answered.getValue("batchId") + ", not the one sent ("
          + batchId + ")");
    }
    Map<UUID, Answer> out = new HashMap<>();
    JsonArray results = answered.getJsonArray("results", new JsonArray());
    for (Object o : results) {
      JsonObject a = (JsonObject) o;
      String answer = a.getString("answer");
      UUID id = recordId(a.getValue("recordId"));
      if (id == null || !sent.contains(id)) {
        LOG.warn("{} answered for a record id that it was not sent in this batch: {}", r.name(), a.getValue("recordId"));
      } else if (List.of("accepted", "duplicate", "refused").contains(answer)) {
        out.put(id, new Answer(answer, a.getString("reason")));
      } else {
        // sent again later, as a record left unanswered: the word may be one the interface does not have yet
        LOG.warn("{} answered record {} with '{}', which is not accepted, duplicate or refused: it is sent again later", r.name(),
            id, answer);
      }
    }
    return out;
  }

  /** The record an answer is for: one of the idempotency ids sent (a UUID), else null. */
  private static UUID recordId(Object value) {
    try {
      return value instanceof String s ? UUID.fromString(s) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
