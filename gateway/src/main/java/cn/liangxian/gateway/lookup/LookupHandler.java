package cn.liangxian.gateway.lookup;

import cn.liangxian.gateway.http.JsonBodies;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.RateLimiter;
import cn.liangxian.gateway.http.SharedRateLimiter;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import cn.liangxian.gateway.session.Caller;
import cn.liangxian.policy.IdNumber;
import cn.liangxian.policy.InvalidIdNumberException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Set;

/**
 * {@code POST /api/v1/lookup} {idNumber, name} → the household. A wrong name answers exactly like an
 * unknown ID number, so the API is no oracle of who is on a roster.
 */
public final class LookupHandler {
  private static final Set<String> FIELDS = Set.of("idNumber", "name");

  private final Pool pool;
  private final HouseholdStore store;
  private final PersonalDataCipher cipher;
  private final Regions regions;
  private final RateLimiter limiter;
  private final RateLimiter addressLimiter;
  private final RateLimiter anonymousLimiter;
  private final SharedRateLimiter kioskLimiter;
  private final LookupMetrics metrics;

  public LookupHandler(Pool pool, HouseholdStore store, PersonalDataCipher cipher, Regions regions, RateLimiter limiter,
      RateLimiter addressLimiter, RateLimiter anonymousLimiter, SharedRateLimiter kioskLimiter, LookupMetrics metrics) {
    this.pool = pool;
    this.store = store;
    this.cipher = cipher;
    this.regions = regions;
    this.limiter = limiter;
    this.addressLimiter = addressLimiter;
    this.anonymousLimiter = anonymousLimiter;
    this.kioskLimiter = kioskLimiter;
    this.metrics = metrics;
  }

  /**
   * A kiosk (its id proven by its signature, checked before this handler) is limited for the whole
   * deployment, in PostgreSQL; other callers per instance here and per address at the edge (HAProxy).
   */
  public void handle(RoutingContext ctx) {
    // a logged-in resident has a bucket of its own; anyone unknown shares the address's smaller one
    Caller caller = Caller.of(ctx);
    String client = caller.id();
    if (caller.kind() != Caller.Kind.KIOSK) {
      admitted(ctx, (caller.known() ? limiter : anonymousLimiter).acquire(client));
      return;
    }
    kioskLimiter.acquire(client).onComplete(ar -> {
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
    long wait = clientWait == 0 ? addressLimiter.acquire(RateLimiter.addressOf(ctx)) : clientWait;
    if (wait > 0) {
      ctx.response().putHeader("Retry-After", Long.toString(wait));
      ctx.fail(new Problem(429, "rate-limited", "Too many lookups", "try again in " + wait + " s"));
      return;
    }
    lookup(ctx);
  }

  private void lookup(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx, FIELDS);
    IdNumber id;
    try {
      id = IdNumber.parse(JsonBodies.requiredString(body, "idNumber", 32));
    } catch (InvalidIdNumberException e) {
      throw new Problem(400, "invalid-id-number", "Invalid ID number", e.getMessage(),
          new JsonObject().put("field", "idNumber"));
    }
    String name = JsonBodies.requiredString(body, "name", 50);
    store.byPerson(pool, cipher.index(id.value()), name).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      if (ar.result().isEmpty()) {
        metrics.lookup("not-found");
        ctx.fail(Problem.notFound("household-not-found", "No household found",
            "no household matches this ID number and name; check both, or ask the village collector"));
        return;
      }
      Household h = ar.result().get();
      Regions.Entry region = regions.get(h.regionCode()).orElse(null);
      if (region == null) {
        ctx.fail(new Problem(503, "region-not-served", "Region not served", "this household's region has no policy book here"));
        return;
      }
      LocalDate payDate = regions.payDate(region);
      OffsetDateTime now = OffsetDateTime.now(regions.clock());
      metrics.lookup("found");
      ctx.response().putHeader("Content-Type", "application/json")
          .putHeader("Cache-Control", "no-store")
          .end(HouseholdView.render(h, region, payDate, HouseholdAssessor.assess(h, region, payDate, now)).toBuffer());
    });
  }
}
