package cn.liangxian.reliability.fuzz;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** The figures of a run: requests, answers by status class, every oracle broken (with the first few examples). */
public final class Tally {
  private static final int EXAMPLES = 5;

  public final AtomicLong requests = new AtomicLong();
  public final AtomicLong shed = new AtomicLong();
  public final AtomicLong batchesChecked = new AtomicLong();
  public final AtomicLong batchesWithAccepted = new AtomicLong();
  private final Map<Integer, AtomicLong> byStatus = new TreeMap<>();
  private final Map<Oracle, AtomicLong> broken = new EnumMap<>(Oracle.class);
  private final Map<Oracle, List<String>> examples = new EnumMap<>(Oracle.class);
  private final Map<String, AtomicLong> nonChineseTypes = new TreeMap<>();
  private long maxMillis;
  private final Map<String, long[]> perRoute = new TreeMap<>();
  private final long[] latencyBuckets = new long[64];

  public synchronized void answer(FuzzRequest r, Sender.Answer a) {
    requests.incrementAndGet();
    byStatus.computeIfAbsent(a.status(), s -> new AtomicLong()).incrementAndGet();
    if (Oracle.shedding(a)) {
      shed.incrementAndGet();
    }
    maxMillis = Math.max(maxMillis, a.millis());
    long[] route = perRoute.computeIfAbsent(r.op().name(), x -> new long[4]);
    if (Fuzzer.accepted(r, a)) {
      route[3]++;
      if (!r.mayBeAccepted()) {
        note(Oracle.HOSTILE_ACCEPTED, r.label() + " -> " + a.status());
      }
    }
    route[0]++;
    route[1] += a.millis();
    route[2] = Math.max(route[2], a.millis());
    latencyBuckets[Math.min(63, 64 - Long.numberOfLeadingZeros(Math.max(1, a.millis())))]++;
    Oracle.judge(r, a).forEach(o -> {
      String body = a.text().replace("\n", " ");
      note(o, r.label() + " -> " + a.status() + " " + (a.error() != null ? a.error() : body.length() > 200 ? body.substring(0, 200) : body));
      if (o == Oracle.CHINESE_TITLE) {
        Oracle.problem(a).ifPresent(p -> nonChineseTypes.computeIfAbsent(p.path("type").asText() + " \"" + p.path("title").asText() + "\"",
            t -> new AtomicLong()).incrementAndGet());
      }
    });
  }

  public synchronized void note(Oracle o, String example) {
    broken.computeIfAbsent(o, x -> new AtomicLong()).incrementAndGet();
    List<String> e = examples.computeIfAbsent(o, x -> new ArrayList<>());
    if (e.size() < EXAMPLES) {
      e.add(example);
    }
  }

  public synchronized long broken(Oracle o) {
    AtomicLong n = broken.get(o);
    return n == null ? 0 : n.get();
  }

  public synchronized long fiveXx() {
    return byStatus.entrySet().stream().filter(e -> e.getKey() >= 500).mapToLong(e -> e.getValue().get()).sum() - shed.get();
  }

  /** True when no strict oracle was broken. */
  public synchronized boolean passed() {
    return broken.keySet().stream().noneMatch(o -> o.strict);
  }

  public synchronized String report() {
    StringBuilder b = new StringBuilder();
    b.append(String.format("requests              %,d%n", requests.get()));
    b.append("by status             ").append(byStatus).append('\n');
    b.append(String.format("5xx                   %,d (plus %,d shed with 503 + Retry-After)%n", fiveXx(), shed.get()));
    b.append(String.format("refused-but-changed   %,d of %,d all-refused batches (%,d batches had an accepted request)%n",
        broken(Oracle.REFUSED_CHANGES_NOTHING), batchesChecked.get(), batchesWithAccepted.get()));
    b.append(String.format("slow (> %d ms)        %,d, slowest %,d ms%n", Oracle.SLOW_MILLIS, broken(Oracle.FAST), maxMillis));
    b.append("oracles broken        ");
    for (Oracle o : Oracle.values()) {
      b.append(o).append(o.strict ? "" : "(reported)").append('=').append(broken(o)).append(' ');
    }
    b.append('\n');
    examples.forEach((o, e) -> e.forEach(x -> b.append("  ").append(o).append(": ").append(x).append('\n')));
    b.append("per route: requests, mean ms, slowest ms, accepted writes\n");
    perRoute.forEach((r, v) -> b.append(String.format("  %-60s %,7d %,7d %,7d %,7d%n", r, v[0], v[1] / Math.max(1, v[0]), v[2], v[3])));
    if (!nonChineseTypes.isEmpty()) {
      b.append("resident-facing problems without a Chinese title (type \"title\": count):\n");
      nonChineseTypes.forEach((t, n) -> b.append("  ").append(t).append(": ").append(n.get()).append('\n'));
    }
    return b.toString();
  }
}
