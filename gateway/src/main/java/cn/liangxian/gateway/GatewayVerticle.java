package cn.liangxian.gateway;

import cn.liangxian.gateway.channel.wechat.NotificationVerifier;
import cn.liangxian.gateway.http.Failures;
import cn.liangxian.gateway.http.Replies;
import cn.liangxian.gateway.kiosk.KioskAuth;
import cn.liangxian.gateway.kiosk.KioskHandlers;
import cn.liangxian.gateway.lookup.HouseholdStore;
import cn.liangxian.gateway.lookup.LookupHandler;
import cn.liangxian.gateway.operator.OperatorHandlers;
import cn.liangxian.gateway.operator.RosterUploadHandler;
import cn.liangxian.gateway.order.CallbackHandlers;
import cn.liangxian.gateway.order.OrderHandlers;
import cn.liangxian.gateway.order.OrderService;
import cn.liangxian.gateway.progress.Progress;
import cn.liangxian.gateway.reconcile.Reconciliation;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;

/**
 * One instance per event loop: its own connection pool (prepared statements cached, pipelining on),
 * the router with one method per route group, and the periodic expiry sweep.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GatewayVerticle.class);
  private final Gateway g;
  private Pool pool;
  private HttpServer server;
  private long timer = -1;
  private long progressTimer = -1;
  private int number;
  private KioskAuth kioskAuth;
  private KioskHandlers kiosks;

  GatewayVerticle(Gateway g) {
    this.g = g;
  }

  @Override
  public Future<?> start() {
    number = g.nextPoolNumber();
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(g.poolSizePerVerticle()).setName("gateway-" + number))
        .connectingTo(g.database().connectOptions(g.config().pipeliningLimit())).using(vertx).build();
    OrderService orders = new OrderService(pool, new HouseholdStore(g.cipher()), g.regions(), g.channels(), g.clock(),
        Duration.ofMinutes(g.config().orderExpiryMinutes()), g.orderMetrics());
    Router router = Router.router(vertx);
    router.route().handler(cn.liangxian.gateway.http.AccessLog::handle);
    // rosters are bigger than API bodies: the operator routes get their own limit (a body is read once)
    router.route("/api/v1/operator/*").handler(BodyHandler.create().setBodyLimit(g.config().maxRosterBytes())
        .setDeleteUploadedFilesOnEnd(true).setHandleFileUploads(false));
    router.route().handler(BodyHandler.create().setBodyLimit(g.config().maxBodyBytes()).setDeleteUploadedFilesOnEnd(true)
        .setHandleFileUploads(false));
    kioskAuth = new KioskAuth(pool, g.clock());
    kiosks = new KioskHandlers(pool, kioskAuth, g.clock(), g.registry());
    router.post("/api/v1/kiosks/heartbeat").handler(kioskAuth::handle).handler(kiosks::heartbeat);
    lookupRoutes(router);
    orderRoutes(router, orders);
    callbackRoutes(router, orders);
    operatorRoutes(router, orders);
    operationalRoutes(router);
    g.recordRoutes(router.getRoutes().stream().filter(r -> r.getPath() != null && r.methods() != null)
        .flatMap(r -> r.methods().stream().map(m -> m.name() + " " + r.getPath())).toList());
    router.route().failureHandler(Failures::handle);
    for (int status : new int[] {404, 405, 413, 415}) {
      router.errorHandler(status, Failures::handle);
    }
    if (number == 1) {
      // one instance per gateway keeps the progress gauges (PostgreSQL computes them every minute)
      var progressMetrics = new cn.liangxian.gateway.progress.ProgressMetrics(new Progress(pool),
          g.regions(), g.registry());
      progressMetrics.refresh();
      progressTimer = vertx.setPeriodic(g.config().progressMetricsMillis(), t -> progressMetrics.refresh()
          .onFailure(e -> LOG.warn("progress metrics not refreshed: {}", e.toString())));
      // and sweeps orders (other gateways' sweepers are safe beside it: every change is conditional)
      timer = vertx.setPeriodic(g.config().sweepMillis(), t -> orders.expireDue().compose(x -> orders.queryStuck())
          .compose(x -> kioskAuth.pruneNonces())
          .compose(x -> observe())
          .onFailure(e -> LOG.warn("order sweep failed: {}", e.toString())));
    }
    return vertx.createHttpServer().requestHandler(router).listen(g.httpPort(), g.config().httpHost())
        .onSuccess(s -> server = s);
  }

  /** Feeds the gauges: orders still paying and the oldest's age, kiosks heard from lately. */
  private Future<Void> observe() {
    return pool.preparedQuery("select (select count(*) from orders where state = 'PAYING'),"
            + " (select coalesce(extract(epoch from ($1::timestamptz - min(created_at)))::bigint, 0) from orders where state = 'PAYING'),"
            + " (select count(*) from kiosk where last_seen_at > $1::timestamptz - interval '90 seconds')")
        .execute(io.vertx.sqlclient.Tuple.of(java.time.OffsetDateTime.now(g.clock())))
        .map(rows -> {
          var r = rows.iterator().next();
          g.observe(r.getLong(0), Math.max(0, r.getLong(1)), r.getLong(2));
          return null;
        });
  }

  private void lookupRoutes(Router router) {
    LookupHandler lookup = new LookupHandler(pool, new HouseholdStore(g.cipher()), g.cipher(), g.regions(), g.rateLimiter(),
        g.addressLimiter(), g.lookupMetrics());
    router.post("/api/v1/lookup").handler(kioskAuth::handle).handler(lookup::handle);
  }

  private void orderRoutes(Router router, OrderService orders) {
    OrderHandlers h = new OrderHandlers(orders);
    // a kiosk proves who it is on every route it uses (a mini-program request carries no X-Kiosk-Id)
    router.post("/api/v1/orders").handler(kioskAuth::handle).handler(h::create);
    router.get("/api/v1/orders/:id").handler(kioskAuth::handle).handler(h::get);
    router.post("/api/v1/orders/:id/cancel").handler(kioskAuth::handle).handler(h::cancel);
    router.get("/api/v1/orders/:id/receipt").handler(kioskAuth::handle).handler(h::receipt);
  }

  private void callbackRoutes(Router router, OrderService orders) {
    CallbackHandlers cb = new CallbackHandlers(orders, pool, g.wechatMerchant(),
        new NotificationVerifier(g.wechatMerchant(), g.clock()), g.alipayMerchant(), g.registry());
    router.post("/api/v1/callbacks/wechatpay").handler(cb::wechat);
    router.post("/api/v1/callbacks/alipay").handler(cb::alipay);
  }

  private void operatorRoutes(Router router, OrderService orders) {
    var audit = new cn.liangxian.gateway.operator.AuditTrail(pool, g.clock(), g.registry());
    var auth = new cn.liangxian.gateway.operator.OperatorAuth(vertx, pool, g.clock(), g.passwordHasher(), g.dummyPasswordHash(), g.registry());
    var accounts = new cn.liangxian.gateway.operator.AccountHandlers(vertx, pool, g.clock(), g.passwordHasher());
    router.route("/api/v1/operator/*").handler(audit::handle);
    router.post("/api/v1/operator/login").handler(ctx -> {
      long wait = g.loginLimiter().acquire(cn.liangxian.gateway.http.RateLimiter.addressOf(ctx));
      if (wait > 0) {
        ctx.response().putHeader("Retry-After", Long.toString(wait));
        throw new cn.liangxian.gateway.http.Problem(429, "rate-limited", "Too many login attempts", "try again in " + wait + " s");
      }
      ctx.next();
    }).handler(auth::login);
    // every other operator route answers only a logged-in operator
    router.route("/api/v1/operator/*").handler(auth::authenticate);
    OperatorHandlers h = new OperatorHandlers(vertx, g.regions(), orders, new Progress(pool),
        new Reconciliation(pool, g.channels(), orders),
        new cn.liangxian.gateway.operator.Posting(vertx, pool, g.cipher(), g.regions(), g.clock()), g.clock());
    router.post("/api/v1/operator/logout").handler(auth::logout);
    router.get("/api/v1/operator/me").handler(auth::me);
    router.post("/api/v1/operator/password").handler(auth::changePassword);
    router.post("/api/v1/operator/accounts").handler(accounts::create);
    router.get("/api/v1/operator/accounts").handler(accounts::list);
    router.post("/api/v1/operator/accounts/:username/disable").handler(accounts::disable);
    router.get("/api/v1/operator/audit").handler(audit::list);
    router.post("/api/v1/operator/kiosks").handler(kiosks::register);
    router.post("/api/v1/operator/rosters").handler(new RosterUploadHandler(vertx, g.rosterImport())::handle);
    router.post("/api/v1/operator/targets").handler(new cn.liangxian.gateway.operator.TargetUploadHandler(pool, g.regions())::handle);
    router.get("/api/v1/operator/progress/:region/:insurance").handler(h::progress);
    router.get("/api/v1/operator/postings/:region/:insurance").handler(h::posting);
    router.post("/api/v1/operator/refunds").handler(h::refund);
    router.get("/api/v1/operator/reconciliation/:channel/:date").handler(h::reconcile);
  }

  private void operationalRoutes(Router router) {
    router.get("/health/live").handler(ctx -> Replies.json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(ctx -> pool.query("select 1").execute().onComplete(ar -> Replies.json(ctx,
        ar.succeeded() ? 200 : 503, new JsonObject().put("status", ar.succeeded() ? "UP" : "DOWN")
            .put("database", ar.succeeded() ? "reachable" : "unreachable"))));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(g.registry()));
    if (g.config().sandbox()) {
      // demo mode only: a phone-sized page walking the mini-program flow against the public API
      router.route("/demo/*").handler(io.vertx.ext.web.handler.StaticHandler.create("demo").setCachingEnabled(false));
    }
    router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml; charset=utf-8")
        .end(g.openApi()));
  }


  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (progressTimer >= 0) {
      vertx.cancelTimer(progressTimer);
    }
    Future<Void> s = server == null ? Future.succeededFuture() : server.close();
    return s.compose(x -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
