package cn.liangxian.gateway;

import cn.liangxian.gateway.books.PublishedBooks;
import cn.liangxian.gateway.channel.Channels;
import cn.liangxian.gateway.channel.ResidentLogins;
import cn.liangxian.gateway.config.GatewayOptions;
import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.db.Leadership;
import cn.liangxian.gateway.handoff.HandoffSetup;
import cn.liangxian.gateway.http.Admission;
import cn.liangxian.gateway.http.BodyBudget;
import cn.liangxian.gateway.http.RateLimiter;
import cn.liangxian.gateway.kiosk.KioskKeys;
import cn.liangxian.gateway.lookup.HouseholdAnswers;
import cn.liangxian.gateway.lookup.LookupMetrics;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.operator.PasswordHasher;
import cn.liangxian.gateway.order.OrderMetrics;
import cn.liangxian.gateway.order.OrderWatch;
import cn.liangxian.gateway.payment.PaymentMetrics;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import cn.liangxian.gateway.recovery.PayingGauges;
import cn.liangxian.gateway.roster.RosterImport;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/**
 * What one gateway process shares across its event loops, built once by {@link Gateway}; each
 * {@link GatewayVerticle} wires its own pool and handlers from it.
 */
record ProcessParts(GatewayOptions options, Clock clock, Regions regions, Database database, PersonalDataCipher cipher,
    PrometheusMeterRegistry registry, Limits limits, Metrics metrics, Channels channels, PasswordHasher hasher,
    String dummyPasswordHash, RosterImport rosterImport, String openApi, int poolSizePerVerticle,
    Consumer<List<String>> routesServed, Deployment deployment, OrderWatch orderWatch, ResidentLogins residentLogins,
    String sandboxUrl, HouseholdAnswers answers,
    HandoffSetup handoff, PublishedBooks publishedBooks) {

  /**
   * The request limits: token buckets per key, and the process's bound on requests in flight. {@code loginsPerAddress}
   * and {@code residentLogins} are this process's first filter of an address's logins: what it lets through is counted
   * again for the whole deployment, in PostgreSQL, so that a flood costs no database write per attempt.
   */
  record Limits(RateLimiter lookups, RateLimiter lookupsPerAddress, RateLimiter loginsPerAddress,
      RateLimiter refusedCallbacksPerAddress, Admission admission, BodyBudget bodies, RateLimiter anonymousLookups,
      RateLimiter residentLogins) {}

  /** What keeps this instance in step with the others on the same database. */
  record Deployment(KioskKeys kioskKeys, Leadership leadership, java.util.concurrent.atomic.AtomicBoolean draining) {}

  /** The meters every loop adds to. */
  record Metrics(LookupMetrics lookups, OrderMetrics orders, PaymentMetrics payments, PayingGauges paying) {}
}
