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
  static final int TIMEOUT_MILLIS = 20_000;

  private final Vertx vertx;
  private final WebClient client;
  private final ExchangeKeys keys;
  private final ContributionRecord records;
  private final Clock clock;

  HttpPush(Vertx vertx, WebClient client, ExchangeKeys keys, ContributionRecord records, Clock clock) {
    this.vertx = vertx;
    this.client = client;
    this.keys = keys;
    this.records = records;
    this.clock = clock;
  }

  /** The answers by record id; a failed future when the receiver could not be reached or its answer is not its own. */
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
    }, false).compose(signed -> client.postAbs(r.url()).timeout(TIMEOUT_MILLIS).putHeader("Content-Type", "application/json")
        .putHeader(AgencyEnvelope.SENDER, SENDER).putHeader(AgencyEnvelope.TIMESTAMP, timestamp)
        .putHeader(AgencyEnvelope.NONCE, nonce)
        .putHeader(AgencyEnvelope.SIGNATURE_ALGORITHM, AgencyEnvelope.Scheme.ofKey(keys.privateKey()).signature)
        .putHeader(AgencyEnvelope.SIGNATURE, signed.getValue()).sendBuffer(signed.getKey()))
        .compose(resp -> vertx.executeBlocking(() -> answers(r, resp), false));
  }

  private static Map<UUID, Answer> answers(Receiver r, HttpResponse<Buffer> resp) {
    if (resp.statusCode() != 200) {
      throw new IllegalStateException(r.name() + " answered HTTP " + resp.statusCode());
    }
    Buffer body = resp.body() == null ? Buffer.buffer() : resp.body();
    if (!AgencyEnvelope.verify(r.key(), resp.getHeader(AgencyEnvelope.TIMESTAMP), resp.getHeader(AgencyEnvelope.NONCE),
        body.getBytes(), resp.getHeader(AgencyEnvelope.SIGNATURE))) {
      throw new IllegalStateException(r.name() + "'s answer is not signed with its key");
    }
    Map<UUID, Answer> out = new HashMap<>();
    JsonArray results = new JsonObject(body.toString(StandardCharsets.UTF_8)).getJsonArray("results", new JsonArray());
    for (Object o : results) {
      JsonObject a = (JsonObject) o;
      String answer = a.getString("answer");
      UUID id = recordId(a.getValue("recordId"));
      if (id == null) {
        LOG.warn("{} answered for a record id that is none of ours: {}", r.name(), a.getValue("recordId"));
      } else if (List.of("accepted", "duplicate", "refused").contains(answer)) {
        out.put(id, new Answer(answer, a.getString("reason")));
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
