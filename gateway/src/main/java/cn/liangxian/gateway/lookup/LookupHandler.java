package cn.liangxian.gateway.lookup;

import cn.liangxian.gateway.http.JsonBodies;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.RateLimiter;
import cn.liangxian.gateway.http.ResidentTexts;
import cn.liangxian.gateway.http.SharedRateLimiter;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import cn.liangxian.gateway.http.Caller;
import cn.liangxian.policy.IdNumber;
import cn.liangxian.policy.InvalidIdNumberException;
import cn.liangxian.policy.RegionBooks;
import io.vertx.core.AsyncResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /api/v1/lookup} {idNumber, name} → the household. A wrong name answers exactly like an
 * unknown ID number, so the API is no oracle of who is on a roster.
 */
public final class LookupHandler {
  private static final Set<String> FIELDS = Set.of("idNumber", "name");
  // headers precomputed once: every answer carries the same two
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");

  private final SqlClient pool;
  private final HouseholdStore store;
  private final PersonalDataCipher cipher;
  private final Regions regions;
  private final RateLimiter limiter;
  private final RateLimiter addressLimiter;
  private final RateLimiter anonymousLimiter;
  private final SharedRateLimiter kioskLimiter;
  private final SharedRateLimiter sharedAnonymousLimiter;
  private final LookupMetrics metrics;
  private final HouseholdAnswers answers;

  public LookupHandler(SqlClient pool, HouseholdStore store, HouseholdAnswers answers, PersonalDataCipher cipher, Regions regions,
      RateLimiter limiter, RateLimiter addressLimiter, RateLimiter anonymousLimiter, SharedRateLimiter kioskLimiter,
      SharedRateLimiter sharedAnonymousLimiter, LookupMetrics metrics) {
    this.pool = pool;
    this.store = store;
    this.answers = answers;
    this.cipher = cipher;
    this.regions = regions;
    this.limiter = limiter;
    this.addressLimiter = addressLimiter;
    this.anonymousLimiter = anonymousLimiter;
    this.kioskLimiter = kioskLimiter;
    this.sharedAnonymousLimiter = sharedAnonymousLimiter;
    this.metrics = metrics;
  }

  /**
   * A kiosk (its id proven by its signature, checked before this handler) is limited for the whole
   * deployment, in PostgreSQL, and so is an anonymous caller's address, after a first filter here that costs the
   * database nothing for a caller this instance already refuses (whoever asks without a kiosk's signature or a session
   * may be trying names against numbers: three instances must not grant three times the burst). A logged-in resident
   * per instance here and per session at the edge (HAProxy); every caller per address at the edge too.
   */
  public void handle(RoutingContext ctx) {
    // a logged-in resident has a bucket of its own; anyone unknown shares the address's smaller one
    Caller caller = Caller.of(ctx);
    String client = caller.id();
    if (caller.kind() == Caller.Kind.RESIDENT) {
      admitted(ctx, limiter.acquire(client));
      return;
    }
    (caller.kind() == Caller.Kind.KIOSK ? kioskLimiter.acquire(client)
        : sharedAnonymousLimiter.acquire(client, anonymousLimiter)).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      try {
        admitted(ctx, ar.result());
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    });
  }

  private void admitted(RoutingContext ctx, long clientWait) {
    long wait = clientWait == 0 ? addressLimiter.acquire(RateLimiter.limitKeyOf(ctx)) : clientWait;
    if (wait > 0) {
      ctx.response().putHeader("Retry-After", Long.toString(wait));
      ctx.fail(new Problem(429, "rate-limited", "Too many lookups", "try again in " + wait + " s")
          .resident("查询太频繁，" + ResidentTexts.retryIn(wait)));
      return;
    }
    lookup(ctx);
  }

  private void lookup(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx, FIELDS);
    IdNumber id;
    try {
      // typed with a Chinese input method's full-width digits (３７１３…, Ｘ): the same number (IdNumber reads them)
      id = IdNumber.parse(JsonBodies.requiredString(body, "idNumber", 32));
    } catch (InvalidIdNumberException e) {
      throw new Problem(400, "invalid-id-number", "Invalid ID number", e.getMessage(),
          new JsonObject().put("field", "idNumber")).resident(e.getMessage().contains("check character is wrong")
              ? "身份证号最后一位（校验位）与前17位对不上，多半是有一位输错了，请逐位核对" : "身份证号有误，请逐位核对（18位，最后一位可能是X）");
    }
    // compared as names are (person_name_key, person_name_matches): a space typed inside it, the dot of 阿卜杜热合曼·买买提
    // written another way, a long name cut to the fifteen characters an ID card holds
    String name = JsonBodies.requiredString(body, "name", 50);
    byte[] index = cipher.index(id.value());
    if (answers.householdOf(index) == null) {
      // nothing kept for this person: the household in one round trip, assessed and kept (or kept from another member)
      store.byPerson(pool, index, name).onComplete(read -> assessed(ctx, read, index));
      return;
    }
    store.stampByPerson(pool, index, name).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (ar.result().isEmpty()) {
        notFound(ctx);
      } else {
        kept(ctx, ar.result().get(), index);
      }
    });
  }

  /** The kept answer while the household's stamp, the pay date and the books are those it was assessed at; else afresh. */
  private void kept(RoutingContext ctx, HouseholdStore.Stamp stamp, byte[] index) {
    Regions.Entry region = regions.get(stamp.regionCode()).orElse(null);
    LocalDate payDate = region == null ? null : regions.payDate(region);
    byte[] kept = region == null ? null
        : answers.get(stamp.householdId(), stamp.stamp(), payDate, region.books(payDate));
    if (kept != null) {
      answer(ctx, kept, true);
    } else {
      store.byId(pool, stamp.householdId()).onComplete(read -> assessed(ctx, read, index));
    }
  }

  private void assessed(RoutingContext ctx, AsyncResult<Optional<Household>> read, byte[] index) {
    if (read.failed()) {
      ctx.fail(read.cause());
      return;
    }
    if (read.result().isEmpty()) {
      notFound(ctx); // also when the household went between two reads (a roster change)
      return;
    }
    Household h = read.result().get();
    Regions.Entry region = regions.get(h.regionCode()).orElse(null);
    if (region == null) {
      ctx.fail(Regions.notServed());
      return;
    }
    LocalDate payDate = regions.payDate(region);
    RegionBooks books = region.books(payDate);
    // the household read is the one this person's name was checked against; its answer may already be kept from another
    // member's lookup (a family checking one after the other), and is the same whoever asked: served, not assessed again
    byte[] kept = answers.get(h.id(), h.stamp(), payDate, books);
    if (kept != null) {
      answers.remember(index, h.id());
      answer(ctx, kept, true);
      return;
    }
    byte[] body = HouseholdView.render(h, region, payDate, HouseholdAssessor.assess(h, region, payDate, OffsetDateTime.now(regions.clock())));
    answers.put(index, h.id(), h.stamp(), payDate, books, body);
    answer(ctx, body, false);
  }

  private void notFound(RoutingContext ctx) {
    metrics.notFound();
    ctx.fail(Problem.notFound("household-not-found", "No household found",
        "no household matches this ID number and name; check both, or ask the village collector"));
  }

  private void answer(RoutingContext ctx, byte[] body, boolean kept) {
    metrics.found(kept);
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
        .end(Buffer.buffer(body));
  }
}
