package cn.liangxian.gateway.lookup;

import cn.liangxian.gateway.config.GatewayOptions;
import cn.liangxian.policy.Insurance;
import cn.liangxian.policy.InsuranceTerms;
import cn.liangxian.policy.PolicyBook;
import cn.liangxian.policy.Region;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The policy book of each region and the date its assessments use; books are loaded once at start. */
public final class Regions {
  public static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");

  /** A region as the gateway serves it. */
  public record Entry(String code, String name, PolicyBook book, LocalDate pinnedPayDate) {}

  private final Map<String, Entry> byCode;
  private final Clock clock;

  public Regions(Map<String, Entry> byCode, Clock clock) {
    this.byCode = Map.copyOf(byCode);
    this.clock = clock;
  }

  public static Regions load(GatewayOptions config, Clock clock) {
    Map<String, Entry> m = new LinkedHashMap<>();
    for (GatewayOptions.RegionBook r : config.regions()) {
      PolicyBook book = PolicyBook.load(config.policyDir().resolve(r.book()));
      if (!book.inService()) {
        throw new IllegalArgumentException("book " + r.book() + " is an example of a notice, not in service (inService: false);"
            + " region " + r.code() + " may not be served by it");
      }
      String name = book.regions().stream().filter(x -> x.code().equals(r.code())).map(Region::name).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("book " + r.book() + " does not cover region " + r.code()));
      m.put(r.code(), new Entry(r.code(), name, book, r.payDate()));
    }
    return new Regions(m, clock);
  }

  public Optional<Entry> get(String code) {
    return Optional.ofNullable(byCode.get(code));
  }

  public List<Entry> all() {
    return List.copyOf(byCode.values());
  }

  /** Today in China, or the region's pinned date. */
  public LocalDate payDate(Entry region) {
    return region.pinnedPayDate() != null ? region.pinnedPayDate() : LocalDate.now(clock.withZone(CHINA));
  }

  public Clock clock() {
    return clock;
  }
}
