package cn.liangxian.kiosk.journal;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of each order on this kiosk, as journal records. No personal data goes in: the order request holds
 * only gateway references, and the gateway keeps everything else.
 *
 * <ol>
 * <li>{@code INTENT} (idempotency key, request body) before the order is asked for;</li>
 * <li>{@code ORDER} (order id) before its QR code is shown;</li>
 * <li>{@code PAID}; {@code PRINTING} before the first byte goes to the printer; {@code PRINTED} or
 * {@code PRINT_FAILED} (the printer said it did not print: it may be printed again);</li>
 * <li>{@code CLOSED} (paid and printed, cancelled, expired, or a print that may have happened).</li>
 * </ol>
 */
public final class OrderJournal {

  /** Where an order stands on this kiosk. */
  public enum Step {
    INTENT, ORDER,
    /** The screen let go of the order (its resident left, its cancel not answered): watched in the background. */
    LET_GO,
    PAID, PRINTING, PRINT_FAILED, PRINTED, CLOSED
  }

  /**
   * One order's latest state; {@code at}: when it was written (this kiosk's clock), null where not known; {@code left}:
   * the screen let go of it at some step (its resident had left), whatever came after.
   */
  public record Entry(String key, JsonObject request, String orderId, Step step, Instant at, boolean left) {
    public Entry(String key, JsonObject request, String orderId, Step step, Instant at) {
      this(key, request, orderId, step, at, false);
    }
  }

  /** How many records the journal holds before its settled orders' are dropped: at start, and as orders close. */
  public static final int KEPT = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(OrderJournal.class);

  private final Journal journal;
  private final Clock clock;
  private final int kept;
  /** The size past which an order's close compacts the journal. Orders close on several worker threads. */
  private volatile int compactAbove;
  /**
   * The newest record's time, set once the record is on the disk. Read by the heartbeat on an event loop, which must
   * not wait on the journal's lock: an append holds it through the disk's fsync.
   */
  private volatile String lastActivity;

  public OrderJournal(Journal journal, Clock clock) {
    this(journal, clock, KEPT);
  }

  /** As {@link OrderJournal#OrderJournal(Journal, Clock)}, cut to its open orders once over {@code kept} records. */
  public OrderJournal(Journal journal, Clock clock, int kept) {
    this.journal = journal;
    this.clock = clock;
    this.kept = kept;
    this.compactAbove = kept;
    JsonObject last = journal.last();
    this.lastActivity = last == null ? null : last.getString("at");
  }

  public void intent(String key, JsonObject request) throws IOException {
    write(rec(Step.INTENT, key).put("request", request));
  }

  public void order(String key, String orderId) throws IOException {
    write(rec(Step.ORDER, key).put("orderId", orderId));
  }

  public void step(String key, Step step) throws IOException {
    write(rec(step, key));
  }

  /**
   * Closes an order; once the journal holds more than {@link #KEPT} records (or twice what its last compaction kept,
   * open orders holding many), the settled orders' are dropped, as at start: a kiosk that is never restarted in a
   * collection window does not keep every order of it. A compaction that fails (a full disk) leaves the journal whole,
   * and the order closed.
   */
  public void closed(String key, String why) throws IOException {
    write(rec(Step.CLOSED, key).put("why", why));
    if (journal.size() > compactAbove) {
      try {
        int dropped = compact(kept);
        LOG.info("journal: {} records of settled orders dropped, {} kept", dropped, journal.size());
      } catch (IOException e) {
        LOG.warn("journal not cut to its open orders this time: {}", e.toString());
      }
    }
  }

  /** Orders not yet closed, oldest first. */
  public List<Entry> open() {
    return open(journal.records());
  }

  private static List<Entry> open(List<JsonObject> records) {
    Map<String, Entry> byKey = new LinkedHashMap<>();
    for (JsonObject r : records) {
      String key = r.getString("key");
      Step step = Step.valueOf(r.getString("step"));
      Entry e = byKey.get(key);
      if (step == Step.INTENT) {
        byKey.put(key, new Entry(key, r.getJsonObject("request"), null, Step.INTENT, at(r)));
      } else if (e != null) {
        byKey.put(key, new Entry(key, e.request(), r.getString("orderId", e.orderId()), step, at(r), e.left() || step == Step.LET_GO));
      }
    }
    List<Entry> open = new ArrayList<>();
    for (Entry e : byKey.values()) {
      if (e.step() != Step.CLOSED) {
        open.add(e);
      }
    }
    return open;
  }

  /** The last record's time: the heartbeat's "last transaction". Never waits for a write under way. */
  public String lastActivity() {
    return lastActivity;
  }

  /**
   * Keeps the journal to the orders still open (and the newest record, for {@link #lastActivity}) once it holds more
   * than {@code threshold} records: a kiosk's settled orders are the gateway's to remember, not its disk's (nor its
   * memory's). Returns how many records were dropped.
   */
  public int compact(int threshold) throws IOException {
    int dropped = journal.rewrite(all -> all.size() <= threshold ? all : openOrdersOf(all));
    compactAbove = Math.max(kept, 2 * journal.size());
    return dropped;
  }

  private static List<JsonObject> openOrdersOf(List<JsonObject> all) {
    Set<String> open = new HashSet<>();
    for (Entry e : open(all)) {
      open.add(e.key());
    }
    List<JsonObject> keep = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      JsonObject r = all.get(i);
      if (open.contains(r.getString("key")) || i == all.size() - 1) {
        keep.add(r);
      }
    }
    return keep;
  }

  private static Instant at(JsonObject r) {
    try {
      return Instant.parse(r.getString("at"));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private JsonObject rec(Step step, String key) {
    return new JsonObject().put("step", step.name()).put("key", key).put("at", clock.instant().toString());
  }

  private void write(JsonObject r) throws IOException {
    journal.append(r);
    lastActivity = r.getString("at");
  }
}
