package cn.liangxian.gateway.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The HTTP server's meters, the series Vert.x's Micrometer binding exports under the same names and labels
 * ({@code vertx_http_server_requests_total} and {@code vertx_http_server_response_time_seconds} by code, method and
 * route, which the dashboards, the alerts and the load test read), kept at a cost the lookup can bear; every other
 * Vert.x meter (the SQL pools, the clients, the event bus) is still the binding's own.
 *
 * <p>The binding builds its tags and looks its meters up in the registry five times a request (the active-requests
 * gauge, the request and response sizes, the count and the time): 6-8% of the event loops' samples on a lookup. Here a
 * request is a start time and the route Vert.x Web reports, and its answer one lookup, by route, method and code, of
 * a counter and a timer registered once, and the connections open (every server of the process together). Not kept,
 * as no panel, alert or load test reads them: the sizes of requests and answers, the requests in progress, the bytes
 * read and written, errors, resets and WebSocket connections; nor does the binding's {@code disabledMetricsCategories}
 * apply to these meters.
 */
public final class HttpServerMeters implements VertxMetricsFactory {
  private final VertxMetricsFactory binding;
  private final MeterRegistry registry;
  private final LongAdder connections = new LongAdder();

  /** {@code binding}: the Micrometer binding, which makes every meter but the HTTP server's. */
  public HttpServerMeters(VertxMetricsFactory binding, MeterRegistry registry) {
    this.binding = binding;
    this.registry = registry;
    Gauge.builder("vertx.http.server.active.connections", connections, LongAdder::doubleValue)
        .description("Number of opened connections to the server").register(registry);
  }

  @Override
  public VertxMetrics metrics(VertxOptions options) {
    return new Metrics(binding.metrics(options), registry, connections);
  }

  @Override
  public MetricsOptions newOptions() {
    return binding.newOptions();
  }

  @Override
  public MetricsOptions newOptions(MetricsOptions options) {
    return binding.newOptions(options);
  }

  @Override
  public MetricsOptions newOptions(JsonObject json) {
    return binding.newOptions(json);
  }

  /** The binding's meters but the HTTP server's. */
  private record Metrics(VertxMetrics binding, MeterRegistry registry, LongAdder connections) implements VertxMetrics {
    @Override
    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress localAddress) {
      return new Server(registry, connections);
    }

    @Override
    public EventBusMetrics createEventBusMetrics() {
      return binding.createEventBusMetrics();
    }

    @Override
    public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remoteAddress, String type, String namespace) {
      return binding.createClientMetrics(remoteAddress, type, namespace);
    }

    @Override
    public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
      return binding.createHttpClientMetrics(options);
    }

    @Override
    public TCPMetrics<?> createNetServerMetrics(NetServerOptions options, SocketAddress localAddress) {
      return binding.createNetServerMetrics(options, localAddress);
    }

    @Override
    public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
      return binding.createNetClientMetrics(options);
    }

    @Override
    public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
      return binding.createDatagramSocketMetrics(options);
    }

    @Override
    public PoolMetrics<?, ?> createPoolMetrics(String poolType, String poolName, int maxPoolSize) {
      return binding.createPoolMetrics(poolType, poolName, maxPoolSize);
    }

    @Override
    public void vertxCreated(Vertx vertx) {
      binding.vertxCreated(vertx);
    }

    @Override
    public boolean isMetricsEnabled() {
      return binding.isMetricsEnabled();
    }

    @Override
    public void close() {
      binding.close();
    }
  }

  /** One request: when it began, and the last route that took it (Vert.x Web reports each it passes through). */
  static final class Request {
    final long startNanos = System.nanoTime();
    final String method;
    String route = "";

    Request(HttpMethod method) {
      // a method a client makes up is OTHER here already: the meters are kept by it, and there could be any number
      this.method = HttpMetrics.method(method.name());
    }
  }

  private record Key(String route, String method, int code) {}

  private record Meters(Counter requests, Timer time) {}

  /** The server's meters: a counter and a timer a route, method and code, registered the first time they are seen. */
  static final class Server implements HttpServerMetrics<Request, Void, Void> {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<Key, Meters> meters = new ConcurrentHashMap<>();
    private final LongAdder connections;

    Server(MeterRegistry registry, LongAdder connections) {
      this.registry = registry;
      this.connections = connections;
    }

    /** The route, method and code combinations seen: bounded by the routes, the methods HTTP defines and the codes. */
    int kept() {
      return meters.size();
    }

    @Override
    public Void connected(SocketAddress remoteAddress, String remoteName) {
      connections.increment();
      return null;
    }

    @Override
    public void disconnected(Void socketMetric, SocketAddress remoteAddress) {
      connections.decrement();
    }

    @Override
    public Request requestBegin(Void socketMetric, HttpRequest request) {
      return new Request(request.method());
    }

    @Override
    public Request responsePushed(Void socketMetric, HttpMethod method, String uri, HttpResponse response) {
      return new Request(method); // HTTP/2 only
    }

    @Override
    public void requestRouted(Request request, String route) {
      if (route != null) {
        request.route = route; // the route that answered is the last one (the registry's filter names "" unmatched)
      }
    }

    @Override
    public void responseEnd(Request request, HttpResponse response, long bytesWritten) {
      Meters m = meters.computeIfAbsent(new Key(request.route, request.method, response.statusCode()), this::register);
      m.requests().increment();
      m.time().record(System.nanoTime() - request.startNanos, TimeUnit.NANOSECONDS);
    }

    private Meters register(Key k) {
      // the registry's filters (HttpMetrics) apply here as to the binding's meters: the route that answered, "unmatched"
      // for none, a made-up method as OTHER, the latency buckets at the load test's marks
      Tags tags = Tags.of("code", Integer.toString(k.code()), "method", k.method(), "route", k.route());
      return new Meters(Counter.builder("vertx.http.server.requests").description("Number of processed requests").tags(tags)
          .register(registry), Timer.builder("vertx.http.server.response.time").description("Request processing time")
          .tags(tags).register(registry));
    }
  }
}
