package cn.liangxian.gateway.lookup;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import cn.liangxian.policy.PolicyBook;
import java.time.LocalDate;

/**
 * The lookup's answer per household, as sent, kept by one process for all its event loops. An answer
 * is served again only for the same household stamp (bumped in the database, in the same transaction,
 * by every change to its members, categories or reservations, whichever instance made it), the same
 * pay date and the same policy book; anything else assesses afresh.
 */
public final class HouseholdAnswers {
  private record Kept(long stamp, LocalDate payDate, PolicyBook book, byte[] body) {}

  private final Cache<Long, Kept> kept;
  private final boolean keeping;

  public HouseholdAnswers(int households, MeterRegistry registry) {
    this.keeping = households > 0;
    this.kept = Caffeine.newBuilder().maximumSize(households).recordStats().build();
    CaffeineCacheMetrics.monitor(registry, kept, "household_answers");
  }

  /** The answer kept for this household as it stands now, or null. */
  public byte[] get(long householdId, long stamp, LocalDate payDate, PolicyBook book) {
    Kept k = kept.getIfPresent(householdId);
    if (k == null || k.stamp() != stamp || !k.payDate().equals(payDate) || k.book() != book) {
      return null;
    }
    return k.body();
  }

  /** Keeps an answer assessed from the household as read at {@code stamp}; an older answer never replaces a newer one. */
  public void put(long householdId, long stamp, LocalDate payDate, PolicyBook book, byte[] body) {
    if (!keeping) {
      return;
    }
    Kept next = new Kept(stamp, payDate, book, body);
    kept.asMap().merge(householdId, next, (old, fresh) -> old.stamp() > fresh.stamp() ? old : fresh);
  }

  /** Households kept (for tests and the metrics page). */
  public long size() {
    kept.cleanUp();
    return kept.estimatedSize();
  }
}
