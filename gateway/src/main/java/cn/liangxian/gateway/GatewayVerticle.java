package cn.liangxian.gateway;

import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.gateway.channel.wechat.NotificationVerifier;
import cn.liangxian.gateway.db.Leadership;
import cn.liangxian.gateway.handoff.AgencyChangeFile;
import cn.liangxian.gateway.handoff.AgencyChanges;
import cn.liangxian.gateway.handoff.AgencyRefundHandlers;
import cn.liangxian.gateway.handoff.AgencyRefunds;
import cn.liangxian.gateway.handoff.Handoff;
import cn.liangxian.gateway.handoff.HandoffReconciliation;
import cn.liangxian.gateway.handoff.RefusedRecords;
import cn.liangxian.gateway.outbox.Outbox;
import cn.liangxian.gateway.db.StatementCheck;
import cn.liangxian.gateway.http.AccessLog;
import cn.liangxian.gateway.http.Failures;
import cn.liangxian.gateway.http.NulCharacters;
import cn.liangxian.gateway.http.InvalidRequests;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.RateLimiter;
import cn.liangxian.gateway.http.Replies;
import cn.liangxian.gateway.http.ResponseDate;
import cn.liangxian.gateway.http.SharedRateLimiter;
import cn.liangxian.gateway.http.SlowClients;
import cn.liangxian.gateway.kiosk.KioskAuth;
import cn.liangxian.gateway.kiosk.KioskHandlers;
import cn.liangxian.gateway.lookup.HouseholdStore;
import cn.liangxian.gateway.lookup.LookupHandler;
import cn.liangxian.gateway.books.BookHandlers;
import cn.liangxian.gateway.operator.AccountHandlers;
import cn.liangxian.gateway.operator.AuditTrail;
import cn.liangxian.gateway.operator.OperatorAuth;
import cn.liangxian.gateway.order.OrderHandlers;
import cn.liangxian.gateway.order.OrderStore;
import cn.liangxian.gateway.order.ChannelList;
import cn.liangxian.gateway.order.Orders;
import cn.liangxian.gateway.payment.CallbackLog;
import cn.liangxian.gateway.payment.Callbacks;
import cn.liangxian.gateway.payment.UnionPayCallbacks;
import cn.liangxian.gateway.payment.Payments;
import cn.liangxian.gateway.posting.Posting;
import cn.liangxian.gateway.posting.PostingHandler;
import cn.liangxian.gateway.progress.Progress;
import cn.liangxian.gateway.progress.ProgressHandler;
import cn.liangxian.gateway.progress.ProgressMetrics;
import cn.liangxian.gateway.progress.TargetUploadHandler;
import cn.liangxian.gateway.receipt.ReceiptPage;
import cn.liangxian.gateway.receipt.Receipts;
import cn.liangxian.gateway.reconcile.Reconciliation;
import cn.liangxian.gateway.reconcile.ReconciliationHandler;
import cn.liangxian.gateway.recovery.PayingGauges;
import cn.liangxian.gateway.recovery.Cancellation;
import cn.liangxian.gateway.recovery.Recovery;
import cn.liangxian.gateway.refund.OperatorRefunds;
import cn.liangxian.gateway.refund.FailedRefunds;
import cn.liangxian.gateway.refund.PaidBackTwice;
import cn.liangxian.gateway.refund.OrderRefunds;
import cn.liangxian.gateway.refund.OutsideRefunds;
import cn.liangxian.gateway.refund.RefundStore;
import cn.liangxian.gateway.refund.Refunds;
import cn.liangxian.gateway.roster.ClearIdTails;
import cn.liangxian.gateway.roster.CrossChecks;
import cn.liangxian.gateway.roster.RosterUploadHandler;
import cn.liangxian.gateway.http.Caller;
import cn.liangxian.gateway.session.CallerAuth;
import cn.liangxian.gateway.session.SessionHandlers;
import cn.liangxian.gateway.session.Sessions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.ClientBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance per event loop, and the place its parts are wired, by constructor: its own connection
 * pool (statements cached per connection, pipelining on), the router with one method per route group,
 * and, on the first instance, the periodic sweep and progress gauges.
 */
final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  /** The gauges of orders paying, refunds and kiosks, which the leader computes at every sweep. */
  static final String PAYING_GAUGES = "paying gauges";
  /** The hand-off's gauges, which the leader computes at every delivery round. */
  static final String HANDOFF_GAUGES = "hand-off gauges";
  /** The routes whose bodies may be as large as a roster: read after the operator's session is checked. */
  private static final java.util.Set<String> UPLOADS = java.util.Set.of("/api/v1/operator/rosters", "/api/v1/operator/targets");

  private final ProcessParts p;
  private final int port;
  private final int number;
  private final IntConsumer listening;
  private final List<Long> timers = new ArrayList<>();
  private Pool pool;
  /** The lookup's reads and the sessions' look-ups, on this loop's own connections; {@link #pool} when there are none. */
  private SqlClient lookupReads;
  private HttpServer server;
  private KioskAuth kioskAuth;
  private OrderStore orderStore;
  private Payments payments;
  private HouseholdStore households;
  private RefundStore refundStore;
  private CallbackLog callbackLog;
  private SharedRateLimiter kioskLimiter;
  private SharedRateLimiter residentLogins;
  /** Anonymous callers' lookups per address, for the whole deployment (after each instance's own first filter). */
  private SharedRateLimiter anonymousLookups;
  private SharedRateLimiter operatorLogins;
  private SharedRateLimiter refusedCallbacks;
  private Sessions sessions;
  private CallerAuth callers;
  private Recovery recovery;
  private Reconciliation reconciliation;

  GatewayVerticle(ProcessParts parts, int port, int number, IntConsumer listening) {
    this.p = parts;
    this.port = port;
    this.number = number;
    this.listening = listening;
  }

  @Override
  public Future<?> start() {
    pool = built(PgBuilder.pool(), p.poolSizePerVerticle(), "gateway-" + number);
    int lookupConnections = p.options().lookupConnections();
    // one read at a time on each: a pool of this loop's own, its statements prepared below
    Pool oneAtATime = null;
    if (lookupConnections == 0) {
      lookupReads = pool;
    } else if (p.options().pipeliningLimit() > 1) {
      // many reads in flight on each connection: PostgreSQL takes them from one socket read, for less CPU a read
      lookupReads = built(PgBuilder.client(), lookupConnections, "lookups-" + number);
    } else {
      oneAtATime = built(PgBuilder.pool(), lookupConnections, "lookups-" + number);
      lookupReads = oneAtATime;
    }
    kioskAuth = new KioskAuth(pool, p.clock(), p.deployment().kioskKeys(), p.registry(), p.channels().signing());
    orderStore = new OrderStore(pool, p.cipher());
    // one of each store per loop, shared by the routes and the sweep that use it
    households = new HouseholdStore(p.cipher());
    refundStore = new RefundStore(pool);
    // on the lookups' own connections, as the lookups they limit: orders waiting on a lock never hold one up
    kioskLimiter = new SharedRateLimiter(lookupReads, "kiosk", p.options().lookupsPerMinute(), p.options().lookupBurst(), p.clock());
    anonymousLookups = new SharedRateLimiter(lookupReads, "anonymous-lookup", p.options().anonymousLookupsPerMinute(),
        p.options().anonymousLookupBurst(), p.clock());
    // logins per address, for the whole deployment: the balancer spreads an address over every instance
    int logins = p.options().loginsPerMinutePerAddress();
    int residents = p.options().residents().loginsPerMinutePerAddress();
    residentLogins = new SharedRateLimiter(pool, "resident-login", residents, Math.max(1, residents / 2), p.clock());
    operatorLogins = new SharedRateLimiter(pool, "operator-login", logins, Math.max(1, logins / 2), p.clock());
    refusedCallbacks = new SharedRateLimiter(pool, "refused-callback", Gateway.REFUSED_CALLBACKS_KEPT_PER_MINUTE,
        Gateway.REFUSED_CALLBACKS_KEPT_PER_MINUTE, p.clock());
    callbackLog = new CallbackLog(vertx, p.cipher(), pool, p.clock(), p.limits().refusedCallbacksPerAddress(), refusedCallbacks);
    Refunds refunds = new Refunds(refundStore, orderStore, p.channels(), p.clock());
    payments = new Payments(pool, refunds, p.clock(), p.metrics().payments(), p.channels(),
        cn.liangxian.gateway.handoff.AgencyChanges.paidOrders(p.handoff(), p.regions()));
    recovery = new Recovery(orderStore, payments, p.channels(), p.clock(), p.metrics().orders());
    reconciliation = new Reconciliation(vertx, pool, p.channels(), payments, refunds, p.clock(), p.options().reconciliation(),
        p.registry(), Duration.ofMillis(p.options().sweepMillis()));
    sessions = new Sessions(pool, lookupReads, p.clock(), Duration.ofMinutes(p.options().residents().sessionMinutes()));
    callers = new CallerAuth(kioskAuth, sessions);
    Router router = Router.router(vertx);
    if (p.options().behindProxy()) {
      // the balancer replaces X-Forwarded-For (config/cluster/haproxy.cfg): every limit sees the client's address, when
      // the request came from the balancer (http.trustedProxies); from another peer, that peer's
      router.allowForward(io.vertx.ext.web.AllowForwardHeaders.X_FORWARD);
      router.route().handler(cn.liangxian.gateway.http.ClientAddress.behind(p.options().trustedProxies()));
    }
    router.route().handler(AccessLog::handle);
    router.route().handler(Failures::watchConnection);
    router.route().handler(new ResponseDate(p.clock())::handle);
    router.route().handler(NulCharacters::handle);
    // before any body is read: what cannot be served at once is turned away at once
    router.route().handler(p.limits().admission()::handle);
    router.route().handler(new SlowClients(vertx, p.options().requestReadTimeoutMillis(), p.registry())::handle);
    // every body within the process's budget; uploads (bigger) are read only once the operator's session is checked
    var apiBody = p.limits().bodies().reader(p.options().maxBodyBytes());
    router.route().handler(ctx -> {
      if (UPLOADS.contains(ctx.normalizedPath())) {
        ctx.request().pause();
        ctx.next();
      } else {
        apiBody.handle(ctx);
      }
    });
    KioskHandlers kiosks = new KioskHandlers(pool, kioskAuth, p.clock(), p.registry(), p.regions());
    router.post("/api/v1/kiosks/heartbeat").handler(callers::identify).handler(CallerAuth.only(Caller.Kind.KIOSK))
        .handler(kiosks::heartbeat);
    router.post("/api/v1/session/:channel").handler(new SessionHandlers(p.residentLogins(), sessions,
        p.limits().residentLogins(), residentLogins, p.registry())::login);
    lookupRoutes(router);
    orderRoutes(router);
    callbackRoutes(router, refunds);
    AgencyChanges agencyChanges = new AgencyChanges(vertx, pool, p.handoff(), p.regions(), p.clock());
    router.post("/api/v1/agency/changes").handler(agencyChanges::handle);
    operatorRoutes(router, kiosks, refunds);
    router.post("/api/v1/operator/handoff/agency-changes").handler(new AgencyChangeFile(vertx, agencyChanges, p.cipher())::handle);
    operationalRoutes(router);
    p.routesServed().accept(router.getRoutes().stream().filter(r -> r.getPath() != null && r.methods() != null)
        .flatMap(r -> r.methods().stream().map(m -> m.name() + " " + r.getPath())).toList());
    router.route().failureHandler(Failures::handle);
    // 400: a path or query the router cannot decode (a bad %-escape); 500: a failure outside any route
    for (int status : new int[] {400, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, Failures::handle);
    }
    Future<Void> checked = Future.succeededFuture();
    if (number == 1) {
      checked = StatementCheck.prepareAll(pool, statements());
      backgroundWork(refunds);
      handoffWork(refunds);
    }
    // every connection of every loop, the lookup's statements prepared before the first resident asks
    checked = checked.compose(x -> StatementCheck.prepareOnEveryConnection(pool, p.poolSizePerVerticle(),
        HouseholdStore.LOOKUP_STATEMENTS));
    if (oneAtATime != null) {
      Pool reads = oneAtATime;
      checked = checked.compose(x -> StatementCheck.prepareOnEveryConnection(reads, lookupConnections,
          Stream.concat(HouseholdStore.LOOKUP_STATEMENTS.stream(), Stream.of(Sessions.RESOLVE)).toList()));
    } else if (lookupReads != pool) {
      // a pipelined client lends no connection to prepare on: its first is opened now (a refused one stops the
      // start, and no resident's first lookup waits for it), and each statement is prepared on first use
      checked = checked.compose(x -> lookupReads.query("select 1").execute().mapEmpty());
    }
    return checked.compose(x -> vertx.createHttpServer(new HttpServerOptions()
        .setIdleTimeout(p.options().idleTimeoutMillis()).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS))
        .invalidRequestHandler(InvalidRequests::handle).requestHandler(router)
        .listen(port, p.options().httpHost()).map(s -> {
          server = s;
          listening.accept(s.actualPort());
          return s;
        }).recover(e -> Future.failedFuture(cn.liangxian.gateway.db.Database.bindFailed(e)
            ? new IllegalStateException("cannot listen on " + p.options().httpHost() + ":" + port + " (http.port, GATEWAY_PORT): "
                + e.getMessage() + "; another process has it, or choose another port", e)
            : e)));
  }

  /**
   * A pool or a pipelined client of this loop's, of at most {@code size} connections, named for its metrics. A
   * connection idle for {@link #DB_IDLE_MINUTES} is closed here, before the proxy in front of PostgreSQL cuts it
   * (HAProxy's 30 minutes in {@code config/cluster/haproxy.cfg}) under a query that would then fail.
   */
  private <C> C built(ClientBuilder<C> builder, int size, String name) {
    return builder.with(new PoolOptions().setMaxSize(size).setName(name).setIdleTimeout(DB_IDLE_MINUTES)
            .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MINUTES))
        .connectingTo(p.database().connectOptions(p.options().pipeliningLimit())).using(vertx).build();
  }

  static final int DB_IDLE_MINUTES = 10;

  /** The statements of the hot path and of money's path, checked against the schema before the first request. */
  private static List<String> statements() {
    return Stream.of(HouseholdStore.STATEMENTS, OrderStore.STATEMENTS, Payments.STATEMENTS, RefundStore.STATEMENTS,
        OrderRefunds.STATEMENTS, OutsideRefunds.STATEMENTS, FailedRefunds.STATEMENTS, PaidBackTwice.STATEMENTS, CallbackLog.STATEMENTS, ClearIdTails.STATEMENTS, AuditLog.STATEMENTS, PayingGauges.STATEMENTS,
        SharedRateLimiter.STATEMENTS, Sessions.STATEMENTS, Outbox.STATEMENTS, Handoff.statements(), BookHandlers.STATEMENTS).flatMap(List::stream).toList();
  }

  /** One instance per deployment, the leader, sweeps orders and keeps the progress gauges (from the counts PostgreSQL keeps). */
  private void backgroundWork(Refunds refunds) {
    Leadership leadership = p.deployment().leadership();
    Progress counts = new Progress(pool);
    ProgressMetrics progress = new ProgressMetrics(counts::of, p.regions(), p.registry(),
        p.options().progressMetricsBudgetPercent(), System::nanoTime, () -> p.clock().instant().getEpochSecond());
    Runnable refresh = () -> {
      if (leadership.leading()) {
        // the payments' changes to the paid counts folded in first: the counts read stay a row or two a village
        counts.fold().onFailure(e -> LOG.warn("progress counts not folded: {}", e.toString()))
            .eventually(() -> progress.refresh().onFailure(e -> LOG.warn("progress metrics not refreshed: {}", e.toString())));
      }
    };
    leadership.computes(PAYING_GAUGES);
    leadership.tryLead().onSuccess(x -> refresh.run());
    // every instance, leader or not: the stamps it writes are compared with the others'
    cn.liangxian.gateway.db.ClockSkew skew = new cn.liangxian.gateway.db.ClockSkew(pool, p.clock(), p.registry());
    Runnable measure = () -> step("clock", "skew", skew::measure);
    measure.run();
    timers.add(vertx.setPeriodic(60_000, t -> measure.run()));
    timers.add(vertx.setPeriodic(p.options().progressMetricsMillis(), t -> refresh.run()));
    // every change is conditional too, so a sweep still running when the lead passes on does no harm
    PayingGauges gauges = p.metrics().paying();
    ClearIdTails idTails = new ClearIdTails(vertx, pool, p.cipher());
    long[] progressTerm = {leadership.term()};
    timers.add(vertx.setPeriodic(p.options().sweepMillis(), t -> leadership.tryLead().compose(leads -> {
      if (!leads) {
        return Future.succeededFuture();
      }
      long term = leadership.term();
      if (progressTerm[0] != term) {
        // a lead just begun (another instance stopped): its progress gauges now, not at the next minute, and none of an
        // earlier lead of this instance's shown meanwhile
        progressTerm[0] = term;
        progress.forget();
        progress.dueNow();
        refresh.run();
      }
      // the gauges first: a lead just begun is shown (liangxian_sweeper_leader) without waiting on the channels' calls
      return step("order sweep", "paying gauges", () -> gauges.observe(pool)
              .onSuccess(v -> leadership.computed(PAYING_GAUGES, term)))
            .compose(x -> step("order sweep", "expiry", recovery::expireDue))
            .compose(x -> step("order sweep", "stranded orders", recovery::failStranded))
            .compose(x -> step("order sweep", "stuck-order queries", recovery::queryStuck))
            .compose(x -> step("order sweep", "refunds", refunds::retryDue))
            .compose(x -> step("order sweep", "callback log pruning", callbackLog::prune))
            .compose(x -> step("order sweep", "callback log sealing", callbackLog::sealClear))
            .compose(x -> step("order sweep", "ID tail sealing", idTails::sealRound))
            .compose(x -> step("order sweep", "kiosk nonce pruning", kioskAuth::pruneNonces))
            .compose(x -> step("order sweep", "shared limit pruning", () -> SharedRateLimiter.prune(pool, p.clock(),
                List.of(kioskLimiter, anonymousLookups, residentLogins, operatorLogins, refusedCallbacks))))
            .compose(x -> step("order sweep", "session pruning", sessions::prune));
    }).onFailure(e -> LOG.warn("order sweep: no leadership check: {}", e.toString()))));
    // every instance looks whether yesterday's bills are due; the one that claims a (channel, merchant, day) runs it
    timers.add(vertx.setPeriodic(p.options().sweepMillis(), t -> reconciliation.runDue()
        .onFailure(e -> LOG.warn("scheduled reconciliation failed: {}", e.toString()))));
  }

  /** One step of a periodic round: its failure is logged and counted, and the steps after it still run. */
  private Future<Void> step(String round, String step, java.util.function.Supplier<Future<?>> work) {
    // registered at the step's first run, so that the alert on it reads 0 before the first failure
    io.micrometer.core.instrument.Counter failures = io.micrometer.core.instrument.Counter
        .builder("liangxian_background_step_failures")
        .description("steps of the sweep and of the hand-off's rounds that failed (each is tried again at the next round)")
        .tags("round", round, "step", step).register(p.registry());
    return work.get().<Void>mapEmpty().recover(e -> {
      LOG.warn("{}: {} failed: {}", round, step, e.toString());
      failures.increment();
      return Future.succeededFuture();
    });
  }

  /** Every instance delivers the outbox (claims keep two from sending one record at once); the leader keeps its gauges. */
  private void handoffWork(Refunds refunds) {
    Handoff handoff = new Handoff(vertx, pool, WebClient.create(vertx), p.handoff(), p.clock());
    HandoffReconciliation reconciliation = new HandoffReconciliation(pool, p.clock());
    AgencyRefunds agencyRefunds = new AgencyRefunds(pool, refunds, households, p.regions(), p.clock());
    Leadership leadership = p.deployment().leadership();
    leadership.computes(HANDOFF_GAUGES);
    timers.add(vertx.setPeriodic(p.options().handoff().sweepMillis(), t -> {
      // the gauges first: a lead just begun is shown without waiting on the agencies' and channels' calls
      long term = leadership.term();
      step("hand-off", "gauges", () -> leadership.leading()
              ? handoff.observe().onSuccess(v -> leadership.computed(HANDOFF_GAUGES, term)) : Future.succeededFuture())
          .compose(x -> step("hand-off", "delivery", handoff::deliver))
          .compose(x -> step("hand-off", "reconciliation", () -> reconciliation.runDue(p.handoff().receivers())))
          .compose(x -> step("hand-off", "agency refunds", () -> agencyRefunds.runDue(20)));
    }));
  }

  private void lookupRoutes(Router router) {
    LookupHandler lookup = new LookupHandler(lookupReads, households, p.answers(), p.cipher(), p.regions(), p.limits().lookups(),
        p.limits().lookupsPerAddress(), p.limits().anonymousLookups(), kioskLimiter, anonymousLookups, p.metrics().lookups());
    // anyone may look a household up (as on a county's public page); anonymous callers are limited harder
    router.post("/api/v1/lookup").handler(callers::identify).handler(lookup::handle);
  }

  private void orderRoutes(Router router) {
    Orders orders = new Orders(orderStore, households, p.regions(), p.channels(), p.clock(),
        Duration.ofMinutes(p.options().orderExpiryMinutes()), p.metrics().orders());
    OrderHandlers h = new OrderHandlers(orders, p.orderWatch());
    router.get("/api/v1/channels").handler(new ChannelList(p.channels().byName().keySet())::handle);
    // an order belongs to the signed kiosk or logged-in resident that made it: anyone else is told there is none
    var known = CallerAuth.only(Caller.Kind.KIOSK, Caller.Kind.RESIDENT);
    router.post("/api/v1/orders").handler(callers::identify).handler(known).handler(h::create);
    router.get("/api/v1/orders").handler(callers::identify).handler(known).handler(h::byKey);
    router.get("/api/v1/orders/:id").handler(callers::identify).handler(known).handler(h::get);
    router.post("/api/v1/orders/:id/cancel").handler(callers::identify).handler(known)
        .handler(new Cancellation(orderStore, recovery)::handle);
    router.get("/api/v1/orders/:id/receipt").handler(callers::identify).handler(known).handler(new Receipts(orderStore)::handle);
    // the printed receipt's QR code: anyone holding the paper may check it, so it shows only what the paper shows
    router.get("/r/:receiptNo").handler(new ReceiptPage(orderStore)::handle);
  }

  private void callbackRoutes(Router router, Refunds refunds) {
    var channels = p.channels();
    Callbacks cb = new Callbacks(payments, refunds, callbackLog, channels.wechatMerchants(), p.clock(), channels.alipayApps(),
        channels.signing(), p.metrics().payments());
    // a failure here, a garbled body too, is answered in the channel's format (these come before the catch-all)
    router.post("/api/v1/callbacks/wechatpay").handler(cb::wechat).failureHandler(cb::wechatFailed);
    // a collecting body's WeChat Pay merchant notifies at a path of its own
    router.post("/api/v1/callbacks/wechatpay/:mchid").handler(cb::wechat).failureHandler(cb::wechatFailed);
    router.post("/api/v1/callbacks/alipay").handler(cb::alipay).failureHandler(cb::alipayFailed);
    if (channels.unionpay() != null) {
      java.util.Map<String, cn.liangxian.gateway.channel.unionpay.UnionPayMerchant> unionMerchants = new java.util.LinkedHashMap<>();
      channels.unionPayMerchants().forEach((merId, c) -> unionMerchants.put(merId, c.client().merchant()));
      UnionPayCallbacks union = new UnionPayCallbacks(payments, refunds, callbackLog, unionMerchants,
          channels.unionpay().requests(), p.metrics().payments(), p.clock(), channels.signing());
      router.post("/api/v1/callbacks/unionpay").handler(union::handle).failureHandler(union::failed);
    }
  }

  private void operatorRoutes(Router router, KioskHandlers kiosks, Refunds refunds) {
    AuditTrail audit = new AuditTrail(pool, p.clock(), p.registry());
    OperatorAuth auth = new OperatorAuth(vertx, pool, p.clock(), p.hasher(), p.dummyPasswordHash(), p.registry());
    AccountHandlers accounts = new AccountHandlers(vertx, pool, p.clock(), p.hasher());
    router.route("/api/v1/operator/*").handler(audit::handle);
    // this process's limit first (a flood costs no database write per attempt), then the deployment's
    router.post("/api/v1/operator/login").handler(ctx -> {
      String address = RateLimiter.limitKeyOf(ctx);
      operatorLogins.acquire(address, p.limits().loginsPerAddress()).onComplete(limit -> {
        if (limit.failed()) {
          ctx.fail(limit.cause());
        } else if (limit.result() > 0) {
          ctx.response().putHeader("Retry-After", Long.toString(limit.result()));
          ctx.fail(new Problem(429, "rate-limited", "Too many login attempts", "try again in " + limit.result() + " s"));
        } else {
          ctx.next();
        }
      });
    }).handler(auth::login);
    // every other operator route answers only a logged-in operator
    router.route("/api/v1/operator/*").handler(auth::authenticate);
    router.post("/api/v1/operator/logout").handler(auth::logout);
    router.get("/api/v1/operator/me").handler(auth::me);
    router.post("/api/v1/operator/password").handler(auth::changePassword);
    router.post("/api/v1/operator/accounts").handler(accounts::create);
    router.get("/api/v1/operator/accounts").handler(accounts::list);
    router.post("/api/v1/operator/accounts/:username/disable").handler(accounts::disable);
    router.get("/api/v1/operator/audit").handler(audit::list);
    BookHandlers books = new BookHandlers(vertx, pool, p.regions(), p.publishedBooks(), households, p.clock());
    router.post("/api/v1/operator/books").handler(books::upload);
    router.get("/api/v1/operator/books").handler(books::list);
    router.post("/api/v1/operator/books/:id/activate").handler(books::activate);
    router.post("/api/v1/operator/kiosks").handler(kiosks::register);
    var upload = p.limits().bodies().reader(p.options().maxRosterBytes());
    router.post("/api/v1/operator/rosters").handler(upload).handler(new RosterUploadHandler(vertx, p.rosterImport())::handle);
    router.post("/api/v1/operator/targets").handler(upload).handler(new TargetUploadHandler(vertx, pool, p.regions())::handle);
    router.get("/api/v1/operator/progress/:region/:insurance").handler(new ProgressHandler(p.regions(), new Progress(pool))::handle);
    router.get("/api/v1/operator/postings/:region/:insurance").handler(new PostingHandler(vertx, p.regions(),
        new Posting(vertx, pool, p.regions(), p.clock(), households), p.clock())::handle);
    router.post("/api/v1/operator/refunds").handler(new OperatorRefunds(orderStore, refundStore, refunds,
        households, p.regions(), p.clock())::handle);
    // refunds the channel refused for good: finance's worklist, and the record of each paid back another way
    var failedRefunds = new FailedRefunds(pool, p.clock(), p.cipher());
    router.get("/api/v1/operator/refunds/failed").handler(failedRefunds::list);
    router.post("/api/v1/operator/refunds/:outRefundNo/settled").handler(failedRefunds::settle);
    PaidBackTwice twice = new PaidBackTwice(pool, p.clock(), p.cipher());
    router.get("/api/v1/operator/refunds/paid-back-twice").handler(twice::list);
    router.post("/api/v1/operator/refunds/:outRefundNo/recovered").handler(twice::recover);
    CrossChecks crossChecks = new CrossChecks(pool, p.clock(), p.cipher());
    router.get("/api/v1/operator/cross-checks").handler(crossChecks::list);
    router.post("/api/v1/operator/cross-checks/:memberRef/resolve").handler(crossChecks::resolve);
    RefusedRecords refused = new RefusedRecords(pool, p.clock(), p.cipher());
    router.get("/api/v1/operator/handoff/refused").handler(refused::list);
    router.post("/api/v1/operator/handoff/refused/:id/resolve").handler(refused::resolve);
    AgencyRefundHandlers agencyRefunds = new AgencyRefundHandlers(pool, p.cipher());
    router.get("/api/v1/operator/handoff/agency-refunds").handler(agencyRefunds::list);
    router.post("/api/v1/operator/handoff/agency-refunds/:id/stop").handler(agencyRefunds::stop);
    HandoffReconciliation handoffReconciliation = new HandoffReconciliation(pool, p.clock());
    router.get("/api/v1/operator/handoff/reconciliation/:receiver/:date")
        .handler(ctx -> handoffReconciliation.handle(ctx, p.handoff().receivers()));
    ReconciliationHandler reconciliations = new ReconciliationHandler(p.regions(), reconciliation);
    router.get("/api/v1/operator/reconciliation/days-left").handler(reconciliations::daysLeft);
    router.get("/api/v1/operator/reconciliation/:channel/:date").handler(reconciliations::read);
    router.post("/api/v1/operator/reconciliation/:channel/:date").handler(reconciliations::run);
  }

  private void operationalRoutes(Router router) {
    router.get("/health/live").handler(ctx -> Replies.json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::ready);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(p.registry()));
    if (p.options().sandbox()) {
      // demo mode only: a phone-sized page walking the mini-program flow against the public API
      // where the demo page raises the sandbox's imitation of the mini-program pay sheet
      router.route("/demo/sandbox.json").handler(ctx -> Replies.json(ctx, 200, cn.liangxian.gateway.demo.DemoChannels.pageSettings(p.sandboxUrl())));
      router.route("/demo/*").handler(StaticHandler.create("demo").setCachingEnabled(false));
    }
    router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml; charset=utf-8")
        .end(p.openApi()));
  }

  /**
   * Ready: not stopping, and the database answers as a primary (a standby left behind by a failover
   * answers too, but could take no payment). HAProxy routes by this answer.
   */
  private void ready(io.vertx.ext.web.RoutingContext ctx) {
    boolean leader = p.deployment().leadership().leading();
    if (p.deployment().draining().get()) {
      Replies.json(ctx, 503, new JsonObject().put("status", "DRAINING").put("leader", leader));
      return;
    }
    // on the lookups' connections, which no transaction holds: orders waiting on a lock at the peak, holding this loop's
    // order connections past HAProxy's 2 s check, would take a gateway that serves well out of rotation
    lookupReads.query("select pg_is_in_recovery()").execute().onComplete(ar -> {
      boolean primary = ar.succeeded() && !ar.result().iterator().next().getBoolean(0);
      Replies.json(ctx, primary ? 200 : 503, new JsonObject().put("status", primary ? "UP" : "DOWN")
          .put("database", ar.failed() ? "unreachable" : primary ? "reachable" : "read-only standby").put("leader", leader));
    });
  }

  @Override
  public Future<?> stop() {
    timers.forEach(vertx::cancelTimer);
    if (number == 1) {
      p.deployment().leadership().resign();
    }
    // requests in flight finish (up to the grace period); no new connection is taken meanwhile
    Future<Void> s = server == null ? Future.succeededFuture()
        : server.shutdown(p.options().shutdownGraceMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    return s.compose(x -> lookupReads == null || lookupReads == pool ? Future.succeededFuture() : lookupReads.close())
        .compose(x -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
