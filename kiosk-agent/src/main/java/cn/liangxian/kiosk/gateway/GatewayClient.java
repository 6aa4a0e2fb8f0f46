package cn.liangxian.kiosk.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway's public API, non-blocking, every request signed by this kiosk. */
public final class GatewayClient {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayClient.class);

  private final Vertx vertx;
  private final WebClient client;
  private final RequestSigner signer;
  private final String basePath;

  /**
   * How long an order's creation may take by default ({@code gateway.orderTimeoutMillis} in kiosk.yaml): the gateway
   * asks the payment channel for the order's QR code meanwhile, and waits up to 15 s for it.
   */
  public static final int ORDER_TIMEOUT_MILLIS = 20_000;

  /** With orders given {@link #ORDER_TIMEOUT_MILLIS}, or the other requests' time if that is longer. */
  public GatewayClient(Vertx vertx, String baseUrl, RequestSigner signer, int timeoutMillis) {
    this(vertx, baseUrl, signer, timeoutMillis, Math.max(timeoutMillis, ORDER_TIMEOUT_MILLIS));
  }

  /** {@code orderTimeoutMillis}: how long an order's creation may take, longer than other requests. */
  public GatewayClient(Vertx vertx, String baseUrl, RequestSigner signer, int timeoutMillis, int orderTimeoutMillis) {
    URI u = URI.create(baseUrl);
    boolean tls = "https".equals(u.getScheme());
    int port = u.getPort() > 0 ? u.getPort() : tls ? 443 : 80;
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost(u.getHost()).setDefaultPort(port)
        .setSsl(tls).setConnectTimeout(timeoutMillis).setIdleTimeout(30).setUserAgent("liangxian-kiosk-agent"));
    this.vertx = vertx;
    this.signer = signer;
    this.basePath = u.getPath() == null || u.getPath().equals("/") ? "" : u.getPath().replaceAll("/$", "");
    this.timeoutMillis = timeoutMillis;
    this.orderTimeoutMillis = orderTimeoutMillis;
  }

  private final int timeoutMillis;
  private final int orderTimeoutMillis;

  /** How long a request other than an order's creation (a cancel, a lookup) waits for its answer. */
  public int timeoutMillis() {
    return timeoutMillis;
  }

  /** The household of the person with this ID number and name; members masked, amounts in fen. */
  public Future<JsonObject> lookup(String idNumber, String name) {
    return send(HttpMethod.POST, "/api/v1/lookup", new JsonObject().put("idNumber", idNumber).put("name", name), null);
  }

  /** {@code GET /api/v1/channels}: the channels this deployment offers, each with the modes it takes. */
  public Future<JsonObject> channels() {
    return send(HttpMethod.GET, "/api/v1/channels", null, null);
  }

  /**
   * Creates (or, with the same key and body, finds again) an order; given the order timeout. A request that times out
   * fails as {@link GatewayException#timedOut()}: the order may have been made.
   */
  public Future<JsonObject> createOrder(String idempotencyKey, JsonObject order) {
    return createOrderDated(idempotencyKey, order).map(Dated::body);
  }

  /** As {@link #createOrder}, with the gateway's time when it answered: how long the order has left by its clock. */
  public Future<Dated> createOrderDated(String idempotencyKey, JsonObject order) {
    return exchange(HttpMethod.POST, "/api/v1/orders", order, idempotencyKey, orderTimeoutMillis, true);
  }

  /**
   * An answer's body and the gateway's time when it sent it (its Date header: whole seconds, the gateway's clock up to
   * a second past it), null where the answer gave none that could be read (a proxy that drops it).
   */
  public record Dated(JsonObject body, java.time.Instant date) {
  }

  /**
   * {@code GET /api/v1/orders?idempotencyKey=}: the order this kiosk's request with that key made, without making
   * one (404 when it made none).
   */
  public Future<JsonObject> orderByKey(String idempotencyKey) {
    return send(HttpMethod.GET, "/api/v1/orders?idempotencyKey="
        + java.net.URLEncoder.encode(idempotencyKey, java.nio.charset.StandardCharsets.UTF_8), null, null);
  }

  public Future<JsonObject> order(String id) {
    return send(HttpMethod.GET, "/api/v1/orders/" + id, null, null);
  }

  /**
   * The order once it is no longer in the state {@code seen}, or after {@code waitSeconds}: the gateway
   * holds the request meanwhile, so a payment shows at once without asking every second.
   */
  public Future<JsonObject> awaitOrder(String id, String seen, int waitSeconds) {
    return send(HttpMethod.GET, "/api/v1/orders/" + id + "?waitSeconds=" + waitSeconds + "&state=" + seen, null, null,
        timeoutMillis + waitSeconds * 1000L);
  }

  public Future<JsonObject> cancel(String id) {
    return send(HttpMethod.POST, "/api/v1/orders/" + id + "/cancel", new JsonObject(), null);
  }

  public Future<JsonObject> receipt(String id) {
    return send(HttpMethod.GET, "/api/v1/orders/" + id + "/receipt", null, null);
  }

  /**
   * Now by the gateway's clock (this kiosk's own, set right by the gateway's Date header or its refusal): what a hold's end the
   * gateway gave is compared with.
   */
  public java.time.Instant now() {
    return signer.gatewayNow();
  }

  public Future<JsonObject> heartbeat(JsonObject health) {
    return send(HttpMethod.POST, "/api/v1/kiosks/heartbeat", health, null);
  }

  private Future<JsonObject> send(HttpMethod method, String path, JsonObject body, String idempotencyKey) {
    return send(method, path, body, idempotencyKey, timeoutMillis);
  }

  private Future<JsonObject> send(HttpMethod method, String path, JsonObject body, String idempotencyKey, long timeout) {
    return exchange(method, path, body, idempotencyKey, timeout, true).map(Dated::body);
  }

  /**
   * Whether the last request that ended (the heartbeat's every 30 s among them) found no gateway to connect to: the
   * first screen says so before a resident places a card. A request without an answer in time says nothing either way.
   */
  public boolean unreachable() {
    return unreachable;
  }

  private volatile boolean unreachable;

  private Future<Dated> exchange(HttpMethod method, String path, JsonObject body, String idempotencyKey, long timeout,
      boolean mayFollowClock) {
    String full = basePath + path;
    Buffer b = body == null ? null : body.toBuffer();
    // signed on a worker: an ECDSA or SM2 signature is no work for an event loop (nor for the thread of the card reader,
    // which asks with the kiosk's flow held)
    Future<Map<String, String>> signed = vertx.executeBlocking(() -> signer.sign(method.name(), full, b == null ? null
        : b.getBytes()), false);
    Future<HttpResponse<Buffer>> f = signed.compose(headers -> {
      HttpRequest<Buffer> req = client.request(method, full).timeout(timeout);
      headers.forEach(req::putHeader);
      req.putHeader("Accept", "application/json");
      if (idempotencyKey != null) {
        req.putHeader("Idempotency-Key", idempotencyKey);
      }
      if (b != null) {
        req.putHeader("Content-Type", "application/json");
      }
      return (b != null ? req.sendBuffer(b) : req.send()).recover(err -> {
        LOG.warn("gateway {} {} unreachable: {}", method, path.replaceAll("/orders/[^/]+", "/orders/{id}"), err.toString());
        // no connection made (refused, no such host, no handshake): nothing was sent. Anything else (no answer in time,
        // the connection lost or reset) may have come after the request went out, and it may have been carried out
        boolean notSent = err instanceof java.net.ConnectException || err instanceof java.net.UnknownHostException
            || err instanceof javax.net.ssl.SSLHandshakeException;
        if (notSent) {
          unreachable = true;
        }
        return Future.failedFuture(new GatewayException(0, notSent ? "unreachable" : GatewayException.TIMED_OUT,
            err.getMessage()));
      });
    });
    return f.compose(resp -> {
      unreachable = false; // any answer, even a refusal, is a gateway reached
      java.time.Instant date = date(resp.getHeader("Date"));
      followDate(date);
      if (resp.statusCode() / 100 == 2) {
        Buffer rb = resp.body();
        return Future.succeededFuture(new Dated(rb == null || rb.length() == 0 ? new JsonObject() : rb.toJsonObject(), date));
      }
      String type = null;
      String detail = null;
      Long serverTime = null;
      try {
        JsonObject p = resp.bodyAsJsonObject();
        if (p != null) {
          type = p.getString("type");
          detail = p.getString("detail", p.getString("title"));
          serverTime = p.getValue("serverTime") instanceof Number n ? n.longValue() : null;
        }
      } catch (RuntimeException e) {
        // not a problem document
      }
      if (resp.statusCode() == 401 && serverTime != null && mayFollowClock) {
        // refused for this kiosk's clock, before anything was done: sign by the gateway's time and ask once more
        long offset = signer.followGatewayClock(serverTime);
        LOG.warn("this kiosk's clock is {} s off the gateway's: signing by the gateway's time; set the kiosk's clock", offset);
        return exchange(method, path, body, idempotencyKey, timeout, false);
      }
      LOG.info("gateway {} {} answered {} {}", method, path.replaceAll("/orders/[^/]+", "/orders/{id}"),
          resp.statusCode(), type);
      return Future.failedFuture(new GatewayException(resp.statusCode(), type, detail, retryAfter(resp.getHeader("Retry-After"), date, now())));
    });
  }

  /** The gateway's time from an answer's Date header (RFC 9110's IMF-fixdate), or null: none, or one that cannot be read. */
  static java.time.Instant date(String date) {
    if (date == null) {
      return null;
    }
    try {
      return java.time.ZonedDateTime.parse(date.strip(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  /** This kiosk's clock set by the gateway's, from an answer's Date (null: none to follow). */
  private void followDate(java.time.Instant at) {
    if (at == null) {
      return;
    }
    Long offset = signer.observeGatewayDate(at);
    if (offset != null && offset != 0) {
      LOG.warn("this kiosk's clock is {} s off the gateway's: following the gateway's time; set the kiosk's clock", offset);
    } else if (offset != null) {
      LOG.info("this kiosk's clock agrees with the gateway's again: using it");
    }
  }

  /** The longest Retry-After this kiosk stays away for, however long the answer asked. */
  static final int MAX_RETRY_AFTER_SECONDS = 3600;

  /**
   * Retry-After in seconds, at most {@link #MAX_RETRY_AFTER_SECONDS}: RFC 9110's delta-seconds (a number too long to
   * read is the longest), or its HTTP date, counted from the answer's {@code Date} ({@code sent}) or, where it gave none,
   * from now by the gateway's clock ({@code now}), both the gateway's time as the date is. 0: none that can be read, or
   * a date already past.
   */
  static int retryAfter(String header, java.time.Instant sent, java.time.Instant now) {
    if (header == null) {
      return 0;
    }
    String h = header.strip();
    if (h.matches("[0-9]+")) {
      String digits = h.replaceFirst("^0+(?=.)", ""); // 0000030 is 30
      return digits.length() > 6 ? MAX_RETRY_AFTER_SECONDS : Math.min(MAX_RETRY_AFTER_SECONDS, Integer.parseInt(digits));
    }
    java.time.Instant at = date(h);
    if (at == null) {
      return 0;
    }
    long seconds = java.time.Duration.between(sent != null ? sent : now, at).getSeconds();
    return (int) Math.max(0, Math.min(MAX_RETRY_AFTER_SECONDS, seconds));
  }

  public void close() {
    client.close();
  }
}
