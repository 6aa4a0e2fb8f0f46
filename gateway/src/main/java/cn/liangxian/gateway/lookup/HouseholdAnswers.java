package cn.liangxian.gateway.lookup;

import cn.liangxian.policy.RegionBooks;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The lookup's answer per household, as sent, kept by one process for all its event loops. An answer
 * is served again only for the same household stamp (bumped in the database, in the same transaction,
 * by every change to its members, categories or reservations and by a refund of its orders the channel
 * confirms, whichever instance made it), the same
 * pay date and the same books (the region's books live on that day, replaced whenever a book is
 * published or activated); anything else assesses afresh.
 *
 * <p>The households kept are the ones asked about last. An answer is asked for again within minutes (the family
 * checking one after the other) and seldom after, so the household looked up longest ago makes room. A cache that
 * admits by frequency (Caffeine's W-TinyLFU, used here before) keeps the households it has seen more than once instead
 * and turns the new ones away. Modelled with 50,000 kept and a second member asking within a minute ({@code loadtest}'s
 * {@code KeptAnswersModel}), it served that member 2-10% of the time at 100-2,000 new households a second; keeping the
 * latest serves every one while the households asked about in that minute fit, new and asked again (100% at 100 and
 * 500 a second), and 27% at 2,000. This is per process: behind a balancer that spreads requests, a family's next
 * lookup reaches this process one time in as many as there are.
 */
public final class HouseholdAnswers {
  private record Kept(long stamp, LocalDate payDate, RegionBooks books, byte[] body) {}

  private final Latest<Long, Kept> kept;
  /** Whose answer is kept: a person's blind index (a keyed hash, never the number) to their household. */
  private final Latest<ByteBuffer, Long> households;
  private final boolean keeping;

  public HouseholdAnswers(int households, MeterRegistry registry) {
    this.keeping = households > 0;
    this.kept = new Latest<>(households);
    this.households = new Latest<>((int) Math.min(Integer.MAX_VALUE, households * 4L));
    // how many are kept; how many answers were served kept is counted by the lookup (LookupMetrics): a read here may
    // find an answer of an older stamp, which is no answer served
    Gauge.builder("cache.size", kept, Latest::size).tag("cache", "household_answers")
        .description("households whose lookup answer this process keeps").register(registry);
  }

  /**
   * The household whose answer is kept for the person with this blind index, if any: the lookup then
   * reads only the household's stamp (and the name check) before answering.
   */
  public Long householdOf(byte[] idIndex) {
    if (!keeping) {
      return null;
    }
    Long id = households.get(ByteBuffer.wrap(idIndex));
    return id != null && kept.contains(id) ? id : null;
  }

  /** The answer kept for this household as it stands now, or null. */
  public byte[] get(long householdId, long stamp, LocalDate payDate, RegionBooks books) {
    Kept k = keeping ? kept.get(householdId) : null;
    if (k == null || k.stamp() != stamp || !k.payDate().equals(payDate) || k.books() != books) {
      return null;
    }
    return k.body();
  }

  /**
   * Notes that the person with this blind index belongs to a household whose answer is kept (served to them from another
   * member's lookup), so that their next lookup reads only the stamp.
   */
  public void remember(byte[] idIndex, long householdId) {
    if (keeping) {
      households.put(ByteBuffer.wrap(idIndex.clone()), householdId);
    }
  }

  /** Keeps an answer assessed from the household as read at {@code stamp}; an older answer never replaces a newer one. */
  public void put(byte[] idIndex, long householdId, long stamp, LocalDate payDate, RegionBooks books, byte[] body) {
    if (!keeping) {
      return;
    }
    if (idIndex != null) {
      remember(idIndex, householdId);
    }
    kept.merge(householdId, new Kept(stamp, payDate, books, body), (old, fresh) -> old.stamp() > fresh.stamp() ? old : fresh);
  }

  /**
   * At most {@code capacity} entries, the one used longest ago dropped for a new one. The event loops share it under one
   * lock, held for a map operation at a time: a few hundred nanoseconds against a lookup's hundred microseconds.
   */
  static final class Latest<K, V> {
    private final LinkedHashMap<K, V> map;

    Latest(int capacity) {
      // sized for what it will hold (up to a million entries' table), so that it is not rehashed under the lock while
      // it fills: the event loops would wait on a table of 200,000 entries being moved
      int table = (int) Math.min(1 << 20, capacity / 0.75 + 1);
      this.map = new LinkedHashMap<>(table, 0.75f, true) { // in the order used, the oldest first
        @Override
        protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
          return size() > capacity;
        }
      };
    }

    synchronized V get(K key) {
      return map.get(key);
    }

    synchronized boolean contains(K key) {
      return map.containsKey(key); // not a use: the lookup that follows reads it
    }

    synchronized void put(K key, V value) {
      map.put(key, value);
    }

    synchronized void merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> keep) {
      map.merge(key, value, keep);
    }

    synchronized int size() {
      return map.size();
    }
  }
}
