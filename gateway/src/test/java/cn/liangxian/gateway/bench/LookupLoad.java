package cn.liangxian.gateway.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Load on {@code POST /api/v1/lookup} with random residents of a roster CSV. Two models:
 * {@code max} keeps C requests in flight (the highest rate); {@code rate R} sends R requests a second
 * on a fixed schedule (an open model) and measures latency from each request's scheduled time, so a
 * stall is not hidden. Prints one line of results. Runs against loopback only and stops by itself.
 *
 * <p>{@code java -cp ... LookupLoad http://127.0.0.1:8080 village-roster.csv max 64 20}
 * <br>{@code java -cp ... LookupLoad http://127.0.0.1:8080 village-roster.csv rate 1500 20}
 */
public final class LookupLoad {
  public static void main(String[] args) throws Exception {
    String base = args[0];
    List<Buffer> bodies = bodies(Path.of(args[1]));
    String model = args[2];
    int param = Integer.parseInt(args[3]);
    int seconds = Integer.parseInt(args[4]);
    java.net.URI uri = java.net.URI.create(base);
    Vertx vertx = Vertx.vertx();
    int connections = model.equals("max") ? param : 256;
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(uri.getHost()).setDefaultPort(uri.getPort())
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(connections));
    RequestOptions opts = new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/v1/lookup")
        .putHeader("Content-Type", "application/json");
    Histogram h = new Histogram(60_000_000_000L, 3);
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long warmupEnd = System.nanoTime() + 3_000_000_000L;
    long end = warmupEnd + seconds * 1_000_000_000L;
    CountDownLatch done = new CountDownLatch(1);
    Runnable[] send = new Runnable[1];
    java.util.function.LongConsumer fire = scheduled -> client.request(opts)
        .compose(req -> req.send(bodies.get(ThreadLocalRandom.current().nextInt(bodies.size()))))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(ar -> {
          long now = System.nanoTime();
          if (scheduled >= warmupEnd && scheduled < end) {
            if (ar.succeeded() && ar.result() == 200) {
              ok.incrementAndGet();
              h.recordValue(Math.max(0, now - scheduled));
            } else {
              errors.incrementAndGet();
            }
          }
          if (model.equals("max") && now < end) {
            send[0].run();
          }
        });
    if (model.equals("max")) {
      send[0] = () -> fire.accept(System.nanoTime());
      for (int i = 0; i < param; i++) {
        vertx.runOnContext(v -> send[0].run());
      }
    } else {
      long interval = 1_000_000_000L / param;
      long start = System.nanoTime();
      long[] next = {start};
      vertx.setPeriodic(1, t -> {
        long now = System.nanoTime();
        while (next[0] <= now && next[0] < end) {
          fire.accept(next[0]);
          next[0] += interval;
        }
      });
    }
    vertx.setTimer((end - System.nanoTime()) / 1_000_000 + 2000, t -> done.countDown());
    done.await();
    double rate = ok.get() / (double) seconds;
    System.out.println(new JsonObject().put("model", model).put("param", param).put("seconds", seconds)
        .put("ok", ok.get()).put("errors", errors.get()).put("ratePerSecond", Math.round(rate))
        .put("p50ms", h.getValueAtPercentile(50) / 1e6).put("p95ms", h.getValueAtPercentile(95) / 1e6)
        .put("p99ms", h.getValueAtPercentile(99) / 1e6).put("maxMs", h.getMaxValue() / 1e6).encode());
    vertx.close();
  }

  /** Lookup bodies for residents of a roster CSV (id_number and name columns). */
  static List<Buffer> bodies(Path csv) throws Exception {
    List<Buffer> out = new ArrayList<>();
    try (var lines = Files.lines(csv)) {
      var it = lines.iterator();
      String[] header = it.next().split(",");
      int id = java.util.Arrays.asList(header).indexOf("id_number");
      int name = java.util.Arrays.asList(header).indexOf("name");
      while (it.hasNext()) {
        String[] f = it.next().split(",", -1);
        out.add(Buffer.buffer(new JsonObject().put("idNumber", f[id]).put("name", f[name]).encode()));
      }
    }
    return out;
  }
}
