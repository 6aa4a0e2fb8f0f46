package cn.liangxian.gateway.lookup;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Gauge;
import cn.liangxian.policy.RegionBooks;
import java.nio.ByteBuffer;
import java.time.LocalDate;

/**
 * The lookup's answer per household, as sent, kept by one process for all its event loops. An answer
 * is served again only for the same household stamp (bumped in the database, in the same transaction,
 * by every change to its members, categories or reservations and by a refund of its orders the channel
 * confirms, whichever instance made it), the same
 * pay date and the same books (the region's books live on that day, replaced whenever a book is
 * published or activated); anything else assesses afresh.
 */
public final class HouseholdAnswers {
  private record Kept(long stamp, LocalDate payDate, RegionBooks books, byte[] body) {}

  private final Cache<Long, Kept> kept;
  /** Whose answer is kept: a person's blind index (a keyed hash, never the number) to their household. */
  private final Cache<ByteBuffer, Long> households;
  private final boolean keeping;

  public HouseholdAnswers(int households, MeterRegistry registry) {
    this.keeping = households > 0;
    // the caches' upkeep (eviction, the access buffers) runs on the thread that touched them, an event loop, in a
    // few microseconds, rather than waking a thread of the common pool after every lookup that keeps an answer
    this.kept = Caffeine.newBuilder().maximumSize(households).executor(Runnable::run).build();
    this.households = Caffeine.newBuilder().maximumSize(households * 4L).executor(Runnable::run).build();
    // how many are kept; how many answers were served kept is counted by the lookup (LookupMetrics): a read here may
    // find an answer of an older stamp, which is no answer served
    Gauge.builder("cache.size", kept, Cache::estimatedSize).tag("cache", "household_answers")
        .description("households whose lookup answer this process keeps").register(registry);
  }

  /**
   * The household whose answer is kept for the person with this blind index, if any: the lookup then
   * reads only the household's stamp (and the name check) before answering.
   */
  public Long householdOf(byte[] idIndex) {
    Long id = households.getIfPresent(ByteBuffer.wrap(idIndex));
    return id != null && kept.asMap().containsKey(id) ? id : null;
  }

  /** The answer kept for this household as it stands now, or null. */
  public byte[] get(long householdId, long stamp, LocalDate payDate, RegionBooks books) {
    Kept k = kept.asMap().get(householdId);
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
      households.put(ByteBuffer.wrap(idIndex.clone()), householdId);
    }
    Kept next = new Kept(stamp, payDate, books, body);
    kept.asMap().merge(householdId, next, (old, fresh) -> old.stamp() > fresh.stamp() ? old : fresh);
  }

  /** Households kept (for tests and the metrics page). */
  public long size() {
    kept.cleanUp();
    return kept.estimatedSize();
  }
}
