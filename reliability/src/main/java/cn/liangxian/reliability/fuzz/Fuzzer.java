package cn.liangxian.reliability.fuzz;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sends hostile requests in batches, every route of the contract by every kind of caller, judging each
 * answer; after each batch it checks that the process is alive and, when every request of the batch was
 * refused, that the money and people tables are exactly as before.
 */
public final class Fuzzer {
  /** How a run is shaped; the seed makes it repeatable. */
  public record Plan(long seed, long requests, int concurrency, int batch, int maxBodyBytes, long deadlineNanos) {
    public Plan(long seed, long requests, int concurrency, int batch, int maxBodyBytes) {
      this(seed, requests, concurrency, batch, maxBodyBytes, Long.MAX_VALUE);
    }
  }

  /** One turn in this many of a password-hashing route is taken. */
  static final int PASSWORD_ROUTE_THINNING = 8;

  private final String base;
  private long turn;
  private final Sender sender;
  private final DatabaseState db;
  private final List<Contract.Operation> ops;
  private final List<Caller> callers;
  private final Context ctx;
  private final HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public Fuzzer(String host, int port, DatabaseState db, List<Contract.Operation> ops, List<Caller> callers, Context ctx) {
    this.base = "http://" + host + ":" + port;
    this.sender = new Sender(host, port);
    this.db = db;
    this.ops = ops;
    this.callers = callers;
    this.ctx = ctx;
  }

  public Tally run(Plan plan, java.util.function.LongConsumer progress) throws Exception {
    return run(plan, progress, new Tally());
  }

  /** Runs into {@code tally} (which a caller may print if the run is stopped half-way). */
  public Tally run(Plan plan, java.util.function.LongConsumer progress, Tally tally) throws Exception {
    Random random = new Random(plan.seed());
    Generator gen = new Generator(ctx, random, plan.maxBodyBytes());
    ExecutorService pool = Executors.newFixedThreadPool(plan.concurrency());
    try {
      String before = db.snapshot();
      long sent = 0;
      while (sent < plan.requests() && System.nanoTime() - plan.deadlineNanos() < 0) {
        int n = (int) Math.min(plan.batch(), plan.requests() - sent);
        List<FuzzRequest> hostile = new ArrayList<>(n);
        List<FuzzRequest> valid = new ArrayList<>();
        while (hostile.size() + valid.size() < n) {
          // the operation and caller in turn, the mutation at random: every route by every caller, evenly
          long k = turn++;
          Contract.Operation op = ops.get((int) (k % ops.size()));
          Caller caller = callers.get((int) ((k / ops.size()) % callers.size()));
          if (hashesPasswords(op) && random.nextInt(PASSWORD_ROUTE_THINNING) != 0) {
            continue;
          }
          FuzzRequest r = gen.next(op, caller);
          (r.mayBeAccepted() ? valid : hostile).add(r);
        }
        boolean accepted = sendAll(hostile, pool, tally);
        sent += n;
        String after = db.snapshot();
        if (accepted) {
          tally.batchesWithAccepted.incrementAndGet();
        } else {
          tally.batchesChecked.incrementAndGet();
          if (!after.equals(before)) {
            tally.note(Oracle.REFUSED_CHANGES_NOTHING, "batch ending at " + sent + " changed " + diff(before, after) + "; e.g. "
                + hostile.get(0).label());
          }
        }
        // the unmutated requests go after the check: they may change what they are allowed to
        if (!valid.isEmpty()) {
          sendAll(valid, pool, tally);
          after = db.snapshot();
        }
        if (!alive()) {
          tally.note(Oracle.ALIVE, "no answer from /health/live after " + sent + " requests");
          break;
        }
        before = after;
        progress.accept(sent);
      }
    } finally {
      pool.shutdownNow();
    }
    return tally;
  }

  /** Sends concurrently, tallies; true if any request that may write was accepted. */
  private boolean sendAll(List<FuzzRequest> batch, ExecutorService pool, Tally tally) throws Exception {
    List<Future<Sender.Answer>> answers = new ArrayList<>();
    for (FuzzRequest r : batch) {
      answers.add(pool.submit(() -> sender.send(r)));
    }
    boolean accepted = false;
    for (int i = 0; i < batch.size(); i++) {
      Sender.Answer a = answers.get(i).get();
      tally.answer(batch.get(i), a);
      accepted |= accepted(batch.get(i), a);
    }
    return accepted;
  }

  /** A request that may have written: a 2xx/3xx on a route that writes (Alipay says "success" in a 200; its refusals are 200 too). */
  static boolean accepted(FuzzRequest r, Sender.Answer a) {
    if (r.op().path().endsWith("/callbacks/alipay")) {
      return a.status() == 200 && a.text().strip().equals("success");
    }
    return a.status() > 0 && a.status() < 400 && mayWrite(r.op());
  }

  /** Reads never change the tables compared (a reconciliation may repair a payment, so it counts as a write). */
  static boolean mayWrite(Contract.Operation op) {
    return !(op.method().equals("GET") && !op.path().contains("/reconciliation/")) && !op.path().equals("/api/v1/lookup");
  }

  /** Login, password change and account creation hash a password (Argon2, on purpose slow): sent less often. */
  static boolean hashesPasswords(Contract.Operation op) {
    return op.method().equals("POST") && List.of("/api/v1/operator/login", "/api/v1/operator/password", "/api/v1/operator/accounts")
        .contains(op.path());
  }

  boolean alive() {
    try {
      HttpResponse<Void> r = probe.send(HttpRequest.newBuilder(URI.create(base + "/health/live")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  private static String diff(String before, String after) {
    List<String> a = List.of(after.split("\n"));
    List<String> changed = new ArrayList<>();
    for (String line : before.split("\n")) {
      if (!a.contains(line)) {
        changed.add(line.substring(0, line.indexOf(' ')));
      }
    }
    return String.join(", ", changed);
  }
}
