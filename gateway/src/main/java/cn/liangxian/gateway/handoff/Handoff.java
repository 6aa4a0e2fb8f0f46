package cn.liangxian.gateway.handoff;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox: every instance pushes what it claims (two instances never claim the same record
 * at once, and a record claimed again after a lost answer keeps its idempotency id, which the receiver
 * answers "duplicate"); the daily files are written by whichever instance claims the day.
 */
public final class Handoff {
  private static final Logger LOG = LoggerFactory.getLogger(Handoff.class);

  private final HandoffStore store;
  private final HandoffSetup setup;
  private final HttpPush push;
  private final DailyFiles files;
  private final Clock clock;
  /** The receivers whose round is under way (on this verticle's event loop only). */
  private final java.util.Set<String> busy = new java.util.HashSet<>();
  /** The "region/insurance" of the receivers given daily files: their records are due at the day's file. */
  private final String[] filed;

  public Handoff(Vertx vertx, Pool pool, WebClient client, HandoffSetup setup, Clock clock) {
    this.store = new HandoffStore(pool);
    this.setup = setup;
    this.clock = clock;
    ContributionRecord records = new ContributionRecord(setup.cipher(), setup.merchants());
    this.push = new HttpPush(vertx, client, setup.keys(), records, clock, setup.pushTimeout());
    this.files = new DailyFiles(vertx, store, setup.keys(), records, setup.fileRecords(), clock);
    this.filed = setup.receivers().stream().filter(r -> r.transport() == Receiver.Transport.FILE)
        .map(r -> r.region() + "/" + r.insurance()).toArray(String[]::new);
  }

  /** The statements of the outbox's hot path, checked at start-up. */
  public static List<String> statements() {
    return HandoffStore.STATEMENTS;
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  /** One round: every receiver's due records pushed, or its finished days filed, side by side; a receiver's rounds never overlap. */
  public Future<Void> deliver() {
    // the receivers side by side, each in its own rounds: one that does not answer (until its push timeout) holds back none of
    // the others, nor what is paid for them meanwhile
    List<Future<Void>> each = new ArrayList<>();
    for (Receiver r : setup.receivers()) {
      if (!busy.add(r.name())) {
        continue; // its last round is still under way
      }
      each.add((r.transport() == Receiver.Transport.HTTP ? pushDue(r, 20) : fileDue(r))
          .recover(e -> Future.succeededFuture()) // logged where it failed
          .onComplete(x -> busy.remove(r.name())));
    }
    return Future.join(each).mapEmpty();
  }

  private Future<Void> fileDue(Receiver r) {
    return files.writeDue(r).onFailure(e -> {
          setup.metrics().roundFailed(r.name());
          LOG.warn("daily file for {} not written yet: {}", r.name(), e.toString());
        })
        .map(n -> {
          setup.metrics().answer(r.name(), "filed", n);
          return null;
        });
  }

  /** Pushes due batches until one comes back short (at most {@code rounds} of them). */
  private Future<Void> pushDue(Receiver r, int rounds) {
    return store.claim(r, now(), setup.batchSize(), setup.pushTimeout()).onFailure(e -> {
      // nothing goes to this receiver while its records cannot be claimed: never silently
      setup.metrics().roundFailed(r.name());
      LOG.error("records for {} could not be claimed for delivery: {}", r.name(), e.toString());
    }).compose(batch -> {
      if (batch.isEmpty()) {
        return Future.succeededFuture();
      }
      int again = (int) batch.stream().filter(b -> b.getInteger("attempts") > 1).count();
      setup.metrics().retried(again);
      // a rejected batch is sent again in halves, within a budget: enough to find one or two records at fault, not a
      // request per record where the receiver rejects every part for a reason of its own
      int budget = 2 * (32 - Integer.numberOfLeadingZeros(Math.max(1, batch.size() - 1))) + 2;
      // the batch's records not yet sent in a part whose outcome is recorded (all on this event loop)
      java.util.Set<Long> waiting = new java.util.LinkedHashSet<>(ids(batch));
      return send(r, batch, new java.util.concurrent.atomic.AtomicInteger(budget), waiting)
          .compose(x -> batch.size() == setup.batchSize() && rounds > 1 ? pushDue(r, rounds - 1) : Future.succeededFuture());
    });
  }

  /**
   * Sends a batch and records the answers. One the receiver rejects whole, or that cannot be made, is sent again in
   * halves at once, down to single records while the round's budget of requests lasts (what is left over waits for its
   * next try): a record it will not take holds back only itself, never the residents sent
   * beside it (their records would otherwise fail with it in step, on every try). A receiver that cannot be reached is
   * not asked more often: the batch waits for its next try.
   */
  private Future<Void> send(Receiver r, List<Row> batch, java.util.concurrent.atomic.AtomicInteger budget,
      java.util.Set<Long> waiting) {
    return push.send(r, batch).compose(answers -> record(r, answers).andThen(x -> waiting.removeAll(ids(batch))), e -> {
      if (e instanceof HttpPush.Rejected && batch.size() > 1 && budget.addAndGet(-2) >= 0) {
        LOG.warn("{} records for {} rejected as a whole ({}): sent again in halves", batch.size(), r.name(), e.getMessage());
        List<Row> first = batch.subList(0, batch.size() / 2);
        List<Row> second = batch.subList(batch.size() / 2, batch.size());
        // the batch's records still waiting held for another lease as each part goes: the parts go one after another,
        // each up to the timeout, and another instance would otherwise claim and send what waits its turn
        return resend(r, first, budget, waiting).transform(a -> resend(r, second, budget, waiting).transform(b -> a.failed()
            ? Future.<Void>failedFuture(a.cause()) : b.failed() ? Future.<Void>failedFuture(b.cause()) : Future.<Void>succeededFuture()));
      }
      setup.metrics().answer(r.name(), "failed", batch.size());
      LOG.warn("{} records for {} not delivered yet: {}", batch.size(), r.name(), e.getMessage());
      return store.failed(ids(batch).toArray(Long[]::new), String.valueOf(e.getMessage()), now())
          .andThen(x -> waiting.removeAll(ids(batch))).compose(x -> Future.<Void>failedFuture(e));
    });
  }

  private Future<Void> resend(Receiver r, List<Row> half, java.util.concurrent.atomic.AtomicInteger budget,
      java.util.Set<Long> waiting) {
    return store.renew(waiting.toArray(Long[]::new), now(), setup.pushTimeout()).compose(x -> send(r, half, budget, waiting));
  }

  private static List<Long> ids(List<Row> batch) {
    return batch.stream().map(b -> b.getLong("id")).toList();
  }

  private Future<Void> record(Receiver r, Map<UUID, HttpPush.Answer> answers) {
    List<HandoffStore.Answered> answered = new ArrayList<>(answers.size());
    for (Map.Entry<UUID, HttpPush.Answer> a : answers.entrySet()) {
      String answer = a.getValue().answer();
      setup.metrics().answer(r.name(), answer, 1);
      // "duplicate" means the receiver has it already: as good as accepted
      String state = answer.equals("refused") ? "REFUSED" : "ACCEPTED";
      answered.add(new HandoffStore.Answered(a.getKey(), state, answer, a.getValue().reason()));
    }
    return store.answer(answered, now());
  }

  /** The outbox gauges, from the database (the leader calls this). */
  public Future<Void> observe() {
    return setup.metrics().observe(store, filed, now());
  }
}
