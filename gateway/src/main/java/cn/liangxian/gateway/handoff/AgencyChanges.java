package cn.liangxian.gateway.handoff;

import cn.liangxian.channel.agency.AgencyEnvelope;
import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.Replies;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.roster.CategoryNames;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/agency/changes}: what an agency tells the gateway, signed with the receiver's key
 * (docs/agency-interface.md). A person with employee insurance, insured elsewhere, dead, or paid in
 * another city: their unpaid items are not eligible with that reason (the lookup shows it, orders are
 * refused), and their paid ones are refunded after the configured delay unless an operator stops it. A
 * change id seen before changes nothing. The same rows come from a file through {@link #apply}.
 */
public final class AgencyChanges {
  private static final Logger LOG = LoggerFactory.getLogger(AgencyChanges.class);
  private static final String AGENCY = "agency ";
  private static final String OPERATOR = "operator ";
  static final Set<String> KINDS = Set.of("EMPLOYEE_INSURANCE", "INSURED_ELSEWHERE", "DIED", "CATEGORY", "PAID_ELSEWHERE");
  static final String INSERT = "insert into agency_change (change_id, person_id, kind, insurance, year, category, place,"
      + " received_at, source) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict do nothing returning person_id";
  // who the change is about, and where they live: a sender speaks only of the people of its own area
  static final String PERSON = "select p.id, v.region_code, v.township, v.name as village from person p"
      + " join household h on h.id = p.household_id join village v on v.id = h.village_id where p.id_index = $1";
  /**
   * By its key, or by its bare id: from the same sender (written by an instance of the version before V46, during a
   * rolling upgrade), or, for an operator's file ($4: the district of the key), from an operator's file imported before
   * ids were kept per district, about a person of that same district (another district's old id is another change).
   */
  static final String KNOWN = "select 1 from agency_change a where a.change_id = $1 or (a.change_id = $2 and (a.source = $3"
      + " or ($4::text is not null and a.source like 'file %' and exists (select 1 from person p join household h"
      + " on h.id = p.household_id join village v on v.id = h.village_id where p.id = a.person_id and v.region_code = $4))))";
  /**
   * The refunds a change makes due for paid items, each carried out after the delay ($2): the whole item for a death,
   * employee insurance or cover elsewhere, the difference for a category that arrived late (AgencyRefunds assesses it
   * again). Without a year, the years not yet over ($3, the year of the person's region's pay date): a death or employee
   * insurance does not undo a year already used. A category counts only where it came after the order was assessed
   * (with a margin for the instances' clocks): an order assessed after it already charges by it. Planned by the change
   * for the items paid then ({@link #PLAN}), and by a payment settled after the change for its own ({@link #PAID_ORDER}:
   * the order taken before the change came). The change and the payment each bump the person's household (V9, V17)
   * before they plan, so the later of the two waits for the other to commit and then sees it.
   */
  private static final String PLANNED = "insert into agency_refund (change_id, order_id, person_id, insurance, amount_fen, whole,"
      + " reason, due_at) select c.change_id, r.order_id, r.person_id, r.insurance, i.personal_fen, c.kind <> 'CATEGORY',"
      + " case c.kind when 'DIED' then 'death' when 'PAID_ELSEWHERE' then 'duplicate' when 'CATEGORY' then 'category-arrived'"
      + " else 'enrolled-elsewhere' end, $2 from agency_change c join reservation r on r.person_id = c.person_id and r.paid"
      + " and (c.insurance is null or r.insurance = c.insurance) and (r.year = c.year or (c.year is null and r.year >= $3))"
      + " join orders o on o.id = r.order_id"
      + " join order_item i on i.order_id = r.order_id and i.person_id = r.person_id and i.insurance = r.insurance"
      + " where i.personal_fen > 0 and (c.kind <> 'CATEGORY' or c.received_at > o.created_at - interval '10 minutes')";
  static final String PLAN = PLANNED + " and c.change_id = $1 on conflict do nothing";
  static final String PAID_ORDER = PLANNED + " and r.order_id = $1 on conflict do nothing";
  static final String CATEGORY = "insert into person_category (person_id, category, department, valid_from, source)"
      + " values ($1, $2, $3, $4, 'agency') on conflict do nothing";

  private final Vertx vertx;
  private final Pool pool;
  private final HandoffSetup setup;
  private final Clock clock;
  private final Regions regions;

  /**
   * Who sends changes, and of whom it may speak: an agency of its region's people and its own insurance only; an
   * operator's file of the people of the operator's area (any insurance). A person outside is answered
   * {@code outside} (an agency: unknown-person, as a person it cannot know; an operator: out-of-scope).
   */
  public record Sender(String source, cn.liangxian.gateway.operator.Scope scope, String insurance, String outside, String operator) {
    /**
     * Where a change id is unique: each agency numbers its own changes, so its ids are kept under its name
     * ({@code agency ls-medical:1001}, beside another agency's 1001); operators' files under the district of the person
     * the change is about ({@code operator 431103:F-7}, beside another district's F-7), whether a district's account or
     * the whole province's imports it, so that the same file imported by both is applied once.
     */
    String key(String changeId, String personsRegion) {
      return source.startsWith(AGENCY) ? source + ":" + changeId : OPERATOR + personsRegion + ":" + changeId;
    }

    /** Whether the change's key is known before its person is looked up: an agency's, or a district account's file. */
    boolean keyedBeforeThePerson() {
      return operator == null || scope.region() != null;
    }

    static Sender agency(Receiver r) {
      return new Sender(AGENCY + r.name(), new cn.liangxian.gateway.operator.Scope(r.region(), null, null), r.insurance(),
          "unknown-person", null);
    }

    /** An operator's file ({@code source}: which file, by whom), of the people of the operator's area. */
    public static Sender operator(String source, String username, cn.liangxian.gateway.operator.Scope scope) {
      return new Sender(source, scope, null, "out-of-scope", username);
    }
  }

  public AgencyChanges(Vertx vertx, Pool pool, HandoffSetup setup, Regions regions, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.setup = setup;
    this.regions = regions;
    this.clock = clock;
  }

  public void handle(RoutingContext ctx) {
    Buffer body = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    String sender = ctx.request().getHeader(AgencyEnvelope.SENDER);
    Receiver r = setup.receivers().stream().filter(x -> x.name().equals(sender)).findFirst().orElse(null);
    String ts = ctx.request().getHeader(AgencyEnvelope.TIMESTAMP);
    String nonce = ctx.request().getHeader(AgencyEnvelope.NONCE);
    String sig = ctx.request().getHeader(AgencyEnvelope.SIGNATURE);
    Future<JsonArray> changes = vertx.executeBlocking(() -> {
      if (r == null || !AgencyEnvelope.verify(r.key(), ts, nonce, body.getBytes(), sig) || stale(ts)) {
        throw new Problem(401, "agency-signature", "Not signed by a known agency",
            "the message must be signed with the key of the receiver named in " + AgencyEnvelope.SENDER);
      }
      return open(body);
    }, false);
    Replies.json(ctx, changes.compose(list -> apply(list, Sender.agency(r)))
        .map(results -> new JsonObject().put("results", results)));
  }

  private boolean stale(String ts) {
    try {
      return Math.abs(clock.instant().getEpochSecond() - Long.parseLong(ts)) > 300;
    } catch (NumberFormatException e) {
      return true;
    }
  }

  /**
   * The changes with their ID numbers opened and turned into blind indexes. A message not shaped as
   * docs/agency-interface.md describes (not a JSON object, no key wrapped for the gateway, changes not an array of
   * objects) is a 400 with a fixed text; a change whose {@code idNumber} does not open keeps no index, and is
   * refused on its own ({@link ChangeFields}).
   */
  private JsonArray open(Buffer body) {
    JsonObject msg = cn.liangxian.gateway.http.JsonBodies.strictObject(body,
        "the body must be a JSON object as docs/agency-interface.md describes");
    if (!(msg.getValue("key") instanceof String wrapped)) {
      throw Problem.invalidField("key", "key must be the message key wrapped for the gateway, in Base64");
    }
    byte[] key;
    try {
      key = AgencyEnvelope.unwrap(setup.keys().privateKey(), wrapped);
    } catch (IllegalArgumentException e) {
      throw Problem.invalidField("key", "the message key was not wrapped for the gateway's key");
    }
    if (!(msg.getValue("changes") instanceof JsonArray changes)) {
      throw Problem.invalidField("changes", "changes must be an array of changes");
    }
    JsonArray out = new JsonArray();
    for (int i = 0; i < changes.size(); i++) {
      if (!(changes.getValue(i) instanceof JsonObject given)) {
        throw Problem.invalidField("changes", "change " + (i + 1) + " is not an object: each change must be an object");
      }
      JsonObject c = given.copy();
      c.remove("idNumber");
      out.add(c.put("idIndex", index(key, given.getValue("idNumber"))));
    }
    return out;
  }

  /**
   * The blind index of a sealed ID number, as the roster indexes it (full-width digits, a legacy 15-digit number: the
   * same person), or null when it is not an ID number sealed with the message key.
   */
  private byte[] index(byte[] key, Object sealed) {
    if (!(sealed instanceof String s)) {
      return null;
    }
    try {
      return setup.cipher().index(cn.liangxian.policy.IdNumber.parse(AgencyEnvelope.open(key, s)).value());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Applies each change once, one after another, each in a transaction of its own; the answer per change: applied,
   * duplicate, unknown-person, out-of-scope (an operator's file naming someone outside the operator's area) or
   * refused (with a reason). A malformed change is refused before anything is looked up for it, and a change that
   * fails does not keep the next from being applied: when one failed, the request fails once all were tried, and
   * those applied are answered duplicate when the batch comes again.
   */
  public Future<JsonArray> apply(JsonArray changes, Sender sender) {
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    List<Future<JsonObject>> all = new ArrayList<>();
    Future<JsonObject> previous = Future.succeededFuture();
    for (Object o : changes) {
      JsonObject c = o instanceof JsonObject j ? j : new JsonObject();
      String wrong = ChangeFields.refusal(c, sender.insurance());
      if (wrong != null) {
        all.add(Future.succeededFuture(new JsonObject().put("changeId", c.getValue("changeId") instanceof String id ? id : null)
            .put("answer", "refused").put("reason", wrong)));
        continue;
      }
      previous = previous.transform(x -> one(c, sender, now)
          // the change's own id masked: an agency's may hold an ID number
          .onFailure(e -> LOG.warn("agency change {} from {} not applied: {}",
              cn.liangxian.gateway.privacy.Masking.digitRuns(c.getString("changeId")), sender.source(), e.toString())));
      all.add(previous);
    }
    return Future.join(all).map(done -> new JsonArray(all.stream().map(Future::result).map(Object.class::cast).toList()));
  }

  /** One change whose fields {@link ChangeFields} found as they should be. */
  private Future<JsonObject> one(JsonObject given, Sender sender, OffsetDateTime now) {
    String id = given.getString("changeId");
    JsonObject answer = new JsonObject().put("changeId", id);
    // an agency's change is about its own insurance, said or not
    JsonObject c = sender.insurance() == null ? given : given.copy().put("insurance", sender.insurance());
    Tuple person = Tuple.of(Buffer.buffer(c.getBinary("idIndex")));
    return pool.withTransaction(conn -> {
      if (!sender.keyedBeforeThePerson()) {
        // the whole province's file: the person first (no one is outside its area), then the key under their district
        return conn.preparedQuery(PERSON).execute(person).compose(people -> {
          if (people.size() == 0) {
            return Future.succeededFuture(answer.put("answer", "unknown-person"));
          }
          io.vertx.sqlclient.Row p = people.iterator().next();
          return known(conn, sender, id, p.getString("region_code"))
              .compose(dup -> dup ? Future.succeededFuture(answer.put("answer", "duplicate")) : apply(conn, c, sender, p, now, answer));
        });
      }
      // a change id seen before is a duplicate whoever it names: answered before the person is looked at, so that
      // no answer tells whether an ID number is registered outside the sender's area
      return known(conn, sender, id, sender.scope().region()).compose(dup -> dup
          ? Future.succeededFuture(answer.put("answer", "duplicate"))
          : conn.preparedQuery(PERSON).execute(person).compose(people -> people.size() == 0
              ? Future.succeededFuture(answer.put("answer", "unknown-person"))
              : apply(conn, c, sender, people.iterator().next(), now, answer)));
    });
  }

  /**
   * Whether the change is known already: by its key under {@code district} (the person's: an agency's key has none), or by
   * its bare id ({@link #KNOWN}) in that district's files.
   */
  private static Future<Boolean> known(SqlConnection conn, Sender sender, String id, String district) {
    return conn.preparedQuery(KNOWN).execute(Tuple.of(sender.key(id, district), id, sender.source(),
        sender.operator() == null ? null : district)).map(rows -> rows.size() > 0);
  }

  /** The change of a person found, inside the sender's area: recorded, its effects made, an operator's audited. */
  private Future<JsonObject> apply(SqlConnection conn, JsonObject c, Sender sender, io.vertx.sqlclient.Row p, OffsetDateTime now,
      JsonObject answer) {
    if (!sender.scope().covers(p.getString("region_code"), p.getString("township"), p.getString("village"))) {
      return Future.succeededFuture(answer.put("answer", sender.outside()));
    }
    String kind = c.getString("kind");
    final JsonObject change;
    if (kind.equals("CATEGORY")) {
      // kept as the book's code, whichever way the agency wrote it (DIBAO, 低保, 最低生活保障对象); one none of the person's
      // region's books knows (of any year: the change may be about an earlier one) would give no one anything and plan a
      // refund of nothing: refused, nothing recorded
      List<cn.liangxian.policy.Categories> known = regions.get(p.getString("region_code"))
          .map(r -> r.books().books().stream().map(cn.liangxian.policy.PolicyBook::categories).toList()).orElse(List.of());
      var category = known.stream().map(k -> CategoryNames.find(k, c.getString("category"))).flatMap(java.util.Optional::stream)
          .findFirst();
      if (category.isEmpty()) {
        return Future.succeededFuture(answer.put("answer", "refused").put("reason", "unknown category '"
            + cn.liangxian.gateway.privacy.Masking.digitRuns(c.getString("category")) + "'" + (known.isEmpty()
            ? ": the person's region is not served here" : " (known: " + String.join(", ", known.stream()
                .flatMap(k -> k.all().stream()).map(cn.liangxian.policy.Category::code).distinct().sorted().toList()) + ")")));
      }
      change = c.copy().put("category", category.get().code());
    } else {
      change = c;
    }
    String key = sender.key(change.getString("changeId"), p.getString("region_code"));
    long person = p.getLong("id");
    return conn.preparedQuery(INSERT).execute(Tuple.from(new Object[] {key, person, kind, change.getString("insurance"),
        change.getInteger("year"), change.getString("category"), change.getString("place"), now, sender.source()})).compose(rows -> rows.size() == 0
            ? Future.succeededFuture(answer.put("answer", "duplicate"))
            : effect(conn, change, key, person, p.getString("region_code"), now)
                // an operator's change, which may release paid items and plan their refunds, names the operator; the
                // person by their row's number, never the change's own id (an agency's may hold an ID number)
                .compose(x -> sender.operator() == null ? Future.<Void>succeededFuture()
                    : AuditLog.record(conn, AuditLog.Change.of(sender.operator(), "agency.change", "person " + person,
                        new JsonObject().put("kind", kind).put("insurance", change.getString("insurance"))
                            .put("year", change.getInteger("year")).put("category", change.getString("category"))
                            .put("source", sender.source()))))
                .map(answer.put("answer", "applied")));
  }

  /** A category that arrived late is kept with the person's; then the refunds the change makes due are planned. */
  private Future<Void> effect(SqlConnection conn, JsonObject c, String key, long person, String region, OffsetDateTime now) {
    Future<?> category = Future.succeededFuture();
    if (c.getString("kind").equals("CATEGORY")) {
      // a category without a department (a file's empty cell) is the agency's
      String department = c.getString("department") == null ? "agency" : c.getString("department");
      category = conn.preparedQuery(CATEGORY).execute(Tuple.of(person, c.getString("category"), department,
          c.getString("validFrom") == null ? null : java.time.LocalDate.parse(c.getString("validFrom"))));
    }
    return category.compose(x -> conn.preparedQuery(PLAN).execute(Tuple.of(key, now.plus(setup.refundDelay()),
        thisYear(regions, region, now)))).mapEmpty();
  }

  /** "This year": that of the pay date of the {@code region} (pinned in a demo region), else of today in Beijing. */
  private static int thisYear(Regions regions, String region, OffsetDateTime now) {
    return regions.get(region).map(r -> r.payDate().getYear())
        .orElse(now.atZoneSameInstant(cn.liangxian.gateway.channel.ChannelDays.BEIJING).getYear());
  }

  /**
   * What a payment does about the agencies' news, in its transaction: an order taken before a change about one of its
   * people, and paid after it, has the refunds planned that the change would have planned had the order been paid
   * then ({@link #PAID_ORDER}).
   */
  public interface PaidOrders {
    Future<Void> paid(SqlConnection conn, java.util.UUID order, String region, OffsetDateTime now);
  }

  /** {@link PaidOrders} with the delay before a refund and the regions' pay dates of this deployment. */
  public static PaidOrders paidOrders(HandoffSetup setup, Regions regions) {
    return (conn, order, region, now) -> conn.preparedQuery(PAID_ORDER)
        .execute(Tuple.of(order, now.plus(setup.refundDelay()), thisYear(regions, region, now))).mapEmpty();
  }
}
