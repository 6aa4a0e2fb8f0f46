package cn.liangxian.reliability.fuzz;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;

/**
 * The long fuzz run against a running gateway (reliability/run.sh fuzz starts one):
 * {@code FuzzMain <host> <port> <jdbc-url> <db-user> <db-password> <admin-password> <requests> [seed] [concurrency]}.
 * Prints the tally; exit status 1 if a strict oracle was broken.
 */
public final class FuzzMain {
  private FuzzMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 7) {
      System.err.println("usage: FuzzMain <host> <port> <jdbc-url> <db-user> <db-password> <admin-password> <requests> [seed] [concurrency]");
      System.exit(2);
    }
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    long requests = Long.parseLong(args[6]);
    long seed = args.length > 7 ? Long.parseLong(args[7]) : 20261201L;
    int concurrency = args.length > 8 ? Integer.parseInt(args[8]) : 8;
    String base = "http://" + host + ":" + port;
    String yaml = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/openapi.yaml")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    List<Contract.Operation> ops = Contract.read(yaml);
    Context ctx = new Context();
    List<Caller> callers = new Setup(base).prepare(args[5], Clock.systemUTC(), ctx);
    System.out.println("fuzz: " + ops.size() + " routes x " + callers.size() + " callers ("
        + String.join(", ", callers.stream().map(Caller::name).toList()) + "), " + requests + " requests, seed " + seed);
    long t0 = System.nanoTime();
    long seconds = Long.getLong("fuzz.seconds", Long.MAX_VALUE / 2_000_000_000L);
    Tally t = new Tally();
    Thread printer = new Thread(() -> System.out.printf("fuzz: stopped after %d s%n%s", (System.nanoTime() - t0) / 1_000_000_000L, t.report()));
    Runtime.getRuntime().addShutdownHook(printer);
    try (DatabaseState db = new DatabaseState(args[2], args[3], args[4])) {
      new Fuzzer(host, port, db, ops, callers, ctx).run(new Fuzzer.Plan(seed, requests, concurrency, 100, 65536,
          t0 + seconds * 1_000_000_000L), n -> {
            if (n % 5_000 == 0) {
              System.out.printf("  %,d requests, %d s%n", n, (System.nanoTime() - t0) / 1_000_000_000L);
            }
          }, t);
    }
    Runtime.getRuntime().removeShutdownHook(printer);
    long s = Math.max(1, (System.nanoTime() - t0) / 1_000_000_000L);
    System.out.printf("fuzz: done in %d s (%d requests a second)%n%s", s, t.requests.get() / s, t.report());
    System.exit(t.passed() ? 0 : 1);
  }
}
