package cn.liangxian.loadtest;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * How often a family member's lookup finds the household's answer still kept, by the policy that chooses what one
 * gateway process keeps: the households used last (what the gateway keeps), or Caffeine's W-TinyLFU, which admits by
 * how often a household was seen (what it kept before). A stream of households each looked up once, and by a second
 * member with probability {@code sharedShare} within {@code withinSeconds}; the share served kept is counted over the
 * last five minutes, once the store has long been full. The same seeded stream goes to both.
 *
 * <pre>java -cp ... cn.liangxian.loadtest.KeptAnswersModel householdsPerSecond=500 withinSeconds=60 kept=50000 seconds=1200</pre>
 */
public final class KeptAnswersModel {
  private KeptAnswersModel() {}

  /** What one process keeps: asked for a household (true: kept), and told to keep one. */
  interface Store {
    boolean has(long household);

    void keep(long household);
  }

  static Store latest(int capacity) {
    LinkedHashMap<Long, Boolean> map = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
        return size() > capacity;
      }
    };
    return new Store() {
      public boolean has(long household) {
        return map.get(household) != null;
      }

      public void keep(long household) {
        map.put(household, Boolean.TRUE);
      }
    };
  }

  static Store tinyLfu(int capacity) {
    Cache<Long, Boolean> cache = Caffeine.newBuilder().maximumSize(capacity).executor(Runnable::run).build();
    return new Store() {
      public boolean has(long household) {
        return cache.asMap().get(household) != null;
      }

      public void keep(long household) {
        cache.put(household, Boolean.TRUE);
      }
    };
  }

  /** The share (0-1) of second members' lookups in the last five minutes served what the store kept. */
  static double servedKept(Store store, int householdsPerSecond, int withinSeconds, double sharedShare, int seconds, long seed) {
    Random random = new Random(seed);
    PriorityQueue<long[]> later = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
    long household = 0;
    long asked = 0;
    long served = 0;
    long countFrom = Math.max(0, seconds - 300) * 1000L;
    for (long ms = 0; ms < seconds * 1000L; ms++) {
      double due = householdsPerSecond / 1000.0;
      int n = (int) due + (random.nextDouble() < due - (int) due ? 1 : 0);
      for (int i = 0; i < n; i++) {
        household++;
        if (!store.has(household)) { // a first lookup: assessed, and kept
          store.keep(household);
        }
        if (random.nextDouble() < sharedShare) {
          later.add(new long[] {ms + (long) (random.nextDouble() * withinSeconds * 1000), household});
        }
      }
      while (!later.isEmpty() && later.peek()[0] <= ms) {
        long h = later.poll()[1];
        boolean kept = store.has(h);
        if (ms >= countFrom) {
          asked++;
          served += kept ? 1 : 0;
        }
        if (!kept) {
          store.keep(h);
        }
      }
    }
    return asked == 0 ? 0 : (double) served / asked;
  }

  public static void main(String[] args) {
    Map<String, String> a = new java.util.HashMap<>(Map.of("householdsPerSecond", "500", "withinSeconds", "60",
        "kept", "50000", "seconds", "1200", "sharedShare", "0.6"));
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      if (kv.length != 2 || !a.containsKey(kv[0])) {
        System.err.println("KeptAnswersModel: unknown argument '" + arg + "' (known: " + String.join(", ", a.keySet()) + ")");
        System.exit(2);
      }
      a.put(kv[0], kv[1]);
    }
    int perSecond;
    int within;
    int kept;
    int seconds;
    double shared;
    try {
      perSecond = Integer.parseInt(a.get("householdsPerSecond"));
      within = Integer.parseInt(a.get("withinSeconds"));
      kept = Integer.parseInt(a.get("kept"));
      seconds = Integer.parseInt(a.get("seconds"));
      shared = Double.parseDouble(a.get("sharedShare"));
    } catch (NumberFormatException e) {
      System.err.println("KeptAnswersModel: not a number: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (perSecond <= 0 || within <= 0 || kept <= 0 || seconds <= 0 || shared < 0 || shared > 1) {
      System.err.println("KeptAnswersModel: householdsPerSecond, withinSeconds, kept and seconds must be positive, sharedShare 0-1");
      System.exit(2);
    }
    System.out.printf(Locale.ROOT, "%d new households a second, a second member within %d s, %d kept, %d s:%n", perSecond, within,
        kept, seconds);
    if ((double) kept / perSecond > seconds - 300) {
      // counted over the last five minutes: the store must be full by then, or it measures one that still has room
      System.out.printf(Locale.ROOT, "  (the store fills after about %d s: give seconds=%d or more)%n", kept / perSecond,
          kept / perSecond + 300);
    }
    System.out.printf(Locale.ROOT, "  the latest used kept:  %5.1f%% of second members served kept%n",
        100 * servedKept(latest(kept), perSecond, within, shared, seconds, 1));
    System.out.printf(Locale.ROOT, "  W-TinyLFU (Caffeine):  %5.1f%% of second members served kept%n",
        100 * servedKept(tinyLfu(kept), perSecond, within, shared, seconds, 1));
  }
}
