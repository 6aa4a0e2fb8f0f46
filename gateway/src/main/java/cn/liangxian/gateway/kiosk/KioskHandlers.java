package cn.liangxian.gateway.kiosk;

import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.channel.Pem;
import cn.liangxian.gateway.http.JsonBodies;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.RequestDates;
import cn.liangxian.gateway.operator.AuditTrail;
import cn.liangxian.gateway.operator.Operator;
import cn.liangxian.gateway.operator.Role;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

/** Registering a kiosk's key (operators) and the kiosks' heartbeat (signed by the kiosk). */
public final class KioskHandlers {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KioskHandlers.class);
  /** Paid orders whose receipt a kiosk found unprinted at its restart, too long after for anyone to be there. */
  static final String LEFT_UNPRINTED = "liangxian_kiosk_receipts_left_unprinted";
  private static final Set<String> PRINTER = Set.of("ok", "paper-out", "cover-open", "offline");
  private static final Set<String> PAPER = Set.of("ok", "low", "out", "unknown");

  private final Pool pool;
  private final KioskAuth auth;
  private final Clock clock;
  private final MeterRegistry registry;
  private final cn.liangxian.gateway.lookup.Regions regions;

  public KioskHandlers(Pool pool, KioskAuth auth, Clock clock, MeterRegistry registry, cn.liangxian.gateway.lookup.Regions regions) {
    this.regions = regions;
    this.pool = pool;
    this.auth = auth;
    this.clock = clock;
    this.registry = registry;
    // every series exists from the start: a new deployment's dashboards read 0, not "No data"
    for (String reader : List.of("ok", "fault")) {
      PRINTER.forEach(printer -> PAPER.forEach(paper ->
          registry.counter("liangxian_kiosk_heartbeats", "reader", reader, "printer", printer, "paper", paper)));
    }
    registry.counter(LEFT_UNPRINTED);
  }

  /** {@code POST /api/v1/operator/kiosks} {kioskId, publicKey (SPKI PEM), regionCode?}. */
  public void register(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.ADMIN);
    ctx.put(AuditTrail.ACTION, "kiosk.register");
    JsonObject b = JsonBodies.object(ctx, Set.of("kioskId", "publicKey", "regionCode"));
    String id = JsonBodies.requiredString(b, "kioskId", 64);
    if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
      throw Problem.invalidField("kioskId", "kioskId may hold letters, digits, '.', '_' and '-'");
    }
    String pem = JsonBodies.requiredString(b, "publicKey", 4096);
    String region = JsonBodies.optionalString(b, "regionCode", 6);
    if (region != null && !region.matches("[0-9]{6}")) {
      throw Problem.invalidField("regionCode", "regionCode is a six-digit administrative division code, e.g. 371312");
    }
    if (region != null && regions.get(region).isEmpty()) {
      // a kiosk there could look up no one and take no payment: a typo in the code, most likely
      throw new Problem(422, "region-not-served", "Region not served",
          "no policy book serves region " + region + " here (config regions); check the code", new JsonObject().put("field", "regionCode"));
    }
    if (!op.scope().isAll() && region == null) {
      throw Problem.invalidField("regionCode", "regionCode is required: your account covers " + op.scope());
    }
    if (region != null) {
      op.requireScope(region, null, null);
    }
    // the key is read on the signing pool, as every kiosk key is
    auth.readKey(pem).compose(key -> {
      if (key == null) {
        return io.vertx.core.Future.<Boolean>failedFuture(
            Problem.invalidField("publicKey", "publicKey must be a public key in PEM (-----BEGIN PUBLIC KEY-----)"));
      }
      if (!KioskAuth.signable(key)) {
        // taken, it would replace a working kiosk's key with one none of its requests could be verified by
        return io.vertx.core.Future.<Boolean>failedFuture(
            Problem.invalidField("publicKey", "publicKey must be an ECDSA P-256 or SM2 key: a kiosk signs its requests with one"));
      }
      return store(op, id, pem, region);
    }).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      auth.forget(id);
      ctx.response().setStatusCode(ar.result() ? 201 : 200).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("kioskId", id).put("registered", true).toBuffer());
    });
  }

  /** Stores the kiosk's key and region, audited; every instance forgets the old key once it commits. True: a new kiosk. */
  private io.vertx.core.Future<Boolean> store(Operator op, String id, String pem, String region) {
    return pool.withTransaction(conn -> conn.preparedQuery("select region_code, public_key from kiosk where id = $1 for update")
        .execute(Tuple.of(id)).compose(existing -> {
          JsonObject before = null;
          if (existing.size() > 0) {
            String was = existing.iterator().next().getString("region_code");
            if (!op.scope().isAll() && (was == null || !op.scope().covers(was, null, null))) {
              return io.vertx.core.Future.failedFuture(op.outOfScope("kiosk " + id + " (region " + was + ")"));
            }
            before = new JsonObject().put("regionCode", was).put("keyChanged", false);
          }
          JsonObject b4 = before;
          return conn.preparedQuery("insert into kiosk (id, public_key, region_code) values ($1, $2, $3)"
              + " on conflict (id) do update set public_key = excluded.public_key, region_code = excluded.region_code returning (xmax = 0) as created")
            .execute(Tuple.of(id, pem, region))
            // every instance forgets the old key once this commits
            .compose(rows -> conn.preparedQuery("select pg_notify($1, $2)").execute(Tuple.of(KioskKeys.CHANNEL, id)).map(rows))
            .compose(rows -> AuditLog.record(conn, new AuditLog.Change(op.username(), "kiosk.register", id, b4 == null ? null
                  : b4.put("keyChanged", !pem.equals(existing.iterator().next().getString("public_key"))),
                  new JsonObject().put("regionCode", region)))
              .map(rows.iterator().next().getBoolean("created")));
        }));
  }

  /** {@code POST /api/v1/kiosks/heartbeat}: device health from a signed kiosk. */
  public void heartbeat(RoutingContext ctx) {
    String kiosk = ctx.request().getHeader("X-Kiosk-Id");
    if (kiosk == null) {
      throw new Problem(401, "kiosk-unauthorized", "Kiosk not authenticated", "a heartbeat comes from a signed kiosk");
    }
    JsonObject b = JsonBodies.object(ctx, Set.of("kioskId", "at", "reader", "printer", "lastTransaction", "receiptsLeftUnprinted"));
    // equals, not getString: a number or object here is the caller's mistake, not a ClassCastException
    if (!kiosk.equals(b.getValue("kioskId"))) {
      throw Problem.invalidField("kioskId", "kioskId must be the signing kiosk's");
    }
    // when the kiosk sent it, by its own clock: not kept (the gateway's is), but a date-time as the API says
    dateTime(b, "at");
    String reader = JsonBodies.requiredString(b, "reader", 10);
    if (!Set.of("ok", "fault").contains(reader)) {
      throw Problem.invalidField("reader", "reader must be ok or fault");
    }
    Object p = b.getValue("printer");
    if (p != null && !(p instanceof JsonObject)) {
      throw Problem.invalidField("printer", "printer must be an object {state, paper}");
    }
    JsonObject printer = p == null ? new JsonObject() : (JsonObject) p;
    String state = text(printer, "state", "printer.state", "unknown");
    String paper = text(printer, "paper", "printer.paper", "unknown");
    if (!PRINTER.contains(state)) {
      throw Problem.invalidField("printer.state", "printer.state must be one of " + PRINTER);
    }
    if (!PAPER.contains(paper)) {
      throw Problem.invalidField("printer.paper", "printer.paper must be one of " + PAPER);
    }
    OffsetDateTime last = dateTime(b, "lastTransaction");
    if (last != null && !RequestDates.concerns(last.getYear())) {
      // a kiosk whose clock was wrong when it journalled its last order: its heartbeat still counts, the time is not kept
      last = null;
    }
    // receipts of paid orders the kiosk closed unprinted since its last heartbeat taken (found at its restart, paid too
    // long before for the resident to be there): counted, and logged for the people who look after the kiosk
    Object u = b.getValue("receiptsLeftUnprinted");
    if (u != null && !(u instanceof Integer n && n >= 0 && n <= 100_000)) {
      throw Problem.invalidField("receiptsLeftUnprinted", "receiptsLeftUnprinted must be a whole number from 0 to 100000");
    }
    int unprinted = u == null ? 0 : (Integer) u;
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    pool.preparedQuery("update kiosk set last_seen_at = $2, reader = $3, printer_state = $4, paper = $5,"
            + " last_transaction = coalesce($6, last_transaction) where id = $1")
        .execute(Tuple.of(kiosk, now, reader, state, paper, last)).onComplete(ar -> {
          if (ar.failed()) {
            ctx.fail(ar.cause());
            return;
          }
          registry.counter("liangxian_kiosk_heartbeats", "reader", reader, "printer", state, "paper", paper).increment();
          if (unprinted > 0) {
            registry.counter(LEFT_UNPRINTED).increment(unprinted);
            LOG.warn("kiosk {}: {} paid order(s) whose receipt was never printed, found at its restart with nobody there"
                + " to take it; the receipts are at the gateway", kiosk, unprinted);
          }
          ctx.response().setStatusCode(204).end();
        });
  }

  /** An ISO date-time member with its offset, or null when missing; anything else names {@code key}. */
  private static OffsetDateTime dateTime(JsonObject o, String key) {
    String t = text(o, key, key, null);
    try {
      return t == null ? null : OffsetDateTime.parse(t);
    } catch (java.time.format.DateTimeParseException e) {
      throw Problem.invalidField(key, key + " must be an ISO date-time");
    }
  }

  /** A text member, or {@code absent} when missing; any other JSON type names {@code field}. */
  private static String text(JsonObject o, String key, String field, String absent) {
    Object v = o.getValue(key);
    if (v == null) {
      return absent;
    }
    if (!(v instanceof String s)) {
      throw Problem.invalidField(field, field + " must be a string");
    }
    return s;
  }
}
