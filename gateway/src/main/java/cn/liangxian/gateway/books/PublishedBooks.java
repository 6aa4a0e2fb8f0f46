package cn.liangxian.gateway.books;

import cn.liangxian.gateway.db.Announcements;
import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.policy.PolicyBook;
import cn.liangxian.policy.PolicyBookException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The books administrators published and activated (table {@code policy_book}), as this process serves
 * them: read at start, and again for a region whenever an instance announces an activation (NOTIFY
 * {@value #CHANNEL}, the region's code), for every region after the announcing connection was lost.
 * Replacing a region's books replaces its entry, which makes every kept lookup answer of it stale.
 */
public final class PublishedBooks {
  private static final Logger LOG = LoggerFactory.getLogger(PublishedBooks.class);

  /** The PostgreSQL channel announcing a region whose published books changed; the payload is its code. */
  public static final String CHANNEL = "policy_book";

  static final String LIVE = "select id, region_code, book_id, file_name, text, active_from from policy_book"
      + " where active_from is not null and (? is null or region_code = ?) order by region_code, active_from, id";

  /** The wait before reading every region's books again after a read failed: doubling from a second, to a minute at most. */
  static final long RETRY_FIRST_MILLIS = 1_000;
  static final long RETRY_AT_MOST_MILLIS = 60_000;

  private final Vertx vertx;
  private final Database db;
  private final Regions regions;
  private final java.util.concurrent.atomic.AtomicBoolean retrying = new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Where the reads run: one at a time, in the order asked, whichever context asks (the announcements' connection, or the
   * request that activated a book). Two reads at once could finish out of order, the older read's books applied last.
   */
  private final io.vertx.core.WorkerExecutor reads;
  private final io.micrometer.core.instrument.Counter failedReads;
  private final io.micrometer.core.instrument.Counter doneReads;

  public PublishedBooks(Vertx vertx, Database db, Regions regions, io.micrometer.core.instrument.MeterRegistry registry) {
    this.vertx = vertx;
    this.db = db;
    this.regions = regions;
    this.reads = vertx.createSharedWorkerExecutor("policy-book-reads", 1);
    String about = "reads of the published policy books after an activation or a reconnect; a failed one is made again,"
        + " every region's, until one succeeds";
    this.failedReads = io.micrometer.core.instrument.Counter.builder("liangxian_book_reads").tag("outcome", "failed")
        .description(about).register(registry);
    this.doneReads = io.micrometer.core.instrument.Counter.builder("liangxian_book_reads").tag("outcome", "done")
        .description(about).register(registry);
    io.micrometer.core.instrument.Gauge.builder("liangxian_policy_books_not_served", regions, Regions::booksNotServed)
        .description("activated policy books this instance does not serve, no later activation of the same book replacing"
            + " them: they no longer load (a newer engine reads them otherwise); their residents are assessed without them")
        .register(registry);
  }

  /** Reads every region's activated books into {@code regions}. Blocking: at start-up. */
  public static void load(Database db, Regions regions) {
    apply(regions, read(db, null), null);
  }

  /** Hears the other instances' activations; reads everything again after a reconnect. */
  public void listen(Announcements announcements) {
    announcements.channel(CHANNEL).subscribeHandler(v -> reload(null)).handler(this::reload);
  }

  /**
   * Reads a region's activated books again (null: every region's), on a worker of its own, one read at a time in the order
   * asked. A read that fails
   * (the database failing over, just when the announcing connection comes back and asks for it) is not the end of it:
   * every region's books are read again after a while, until a read succeeds, so that no instance keeps assessing with a
   * book replaced elsewhere until it restarts.
   */
  public Future<Void> reload(String region) {
    return reads.<Void>executeBlocking(() -> {
      apply(regions, read(db, region), region);
      return null;
    }, false).onSuccess(v -> {
      doneReads.increment();
      if (region == null) {
        failures.set(0);
      }
    }).onFailure(e -> {
      failedReads.increment();
      long wait = Math.min(RETRY_AT_MOST_MILLIS, RETRY_FIRST_MILLIS << Math.min(failures.getAndIncrement(), 6));
      LOG.error("could not read the published policy books{}: {}; every region's read again in {} ms",
          region == null ? "" : " of region " + region, e.toString(), wait);
      if (retrying.compareAndSet(false, true)) {
        vertx.setTimer(wait, t -> {
          retrying.set(false);
          reload(null);
        });
      }
    });
  }

  /** The activated books read, by region, and those of each region that no longer load. */
  private record Read(Map<String, List<Regions.Published>> books, Map<String, Integer> failing) {}

  private static Read read(Database db, String region) {
    Map<String, List<Regions.Published>> out = new LinkedHashMap<>();
    // the rows that no longer load, by region and book id: one a later activation of the same book replaced is no loss
    Map<String, Map<String, Integer>> failingBooks = new LinkedHashMap<>();
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(LIVE)) {
      ps.setString(1, region);
      ps.setString(2, region);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String code = rs.getString("region_code");
          long id = rs.getLong("id");
          PolicyBook book;
          try {
            book = PolicyBook.parse(rs.getString("file_name"), rs.getString("text"));
            Regions.check(book, code, rs.getString("file_name"));
          } catch (PolicyBookException | IllegalArgumentException e) {
            // checked when it was published; a later engine may read it otherwise: the region keeps its other books
            LOG.error("published policy book {} of region {} no longer loads and is not served: {}", id, code, e.getMessage());
            failingBooks.computeIfAbsent(code, k -> new java.util.HashMap<>()).merge(rs.getString("book_id"), 1, Integer::sum);
            continue;
          }
          // activated later (the rows come in the order of activation), a book that loads replaces those of its id before it
          Map<String, Integer> failingHere = failingBooks.get(code);
          if (failingHere != null) {
            failingHere.remove(rs.getString("book_id"));
          }
          out.computeIfAbsent(code, k -> new ArrayList<>())
              .add(new Regions.Published(id, book, rs.getObject("active_from", java.time.LocalDate.class)));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the published policy books: " + e.getMessage(), e);
    }
    Map<String, Integer> failing = new java.util.HashMap<>();
    failingBooks.forEach((code, books) -> failing.put(code, books.values().stream().mapToInt(Integer::intValue).sum()));
    return new Read(out, failing);
  }

  private static void apply(Regions regions, Read read, String only) {
    for (Regions.Entry e : regions.all()) {
      if (only != null && !only.equals(e.code())) {
        continue;
      }
      List<Regions.Published> next = read.books().getOrDefault(e.code(), List.of());
      // nothing published here: the entry (and the answers kept for it) stays
      if (!next.isEmpty() || !e.published().isEmpty()) {
        try {
          regions.publish(e.code(), next);
        } catch (IllegalArgumentException x) {
          LOG.error("the published policy books of region {} do not fit together and are not served: {}", e.code(), x.getMessage());
        }
      }
      // the gauge after the books it counts: a reader who sees it has changed is served by what it counts
      regions.notServed(e.code(), read.failing().getOrDefault(e.code(), 0));
    }
  }
}
