package cn.liangxian.gateway.lookup;

import cn.liangxian.gateway.config.GatewayOptions;
import cn.liangxian.policy.Insurance;
import cn.liangxian.policy.PolicyBook;
import cn.liangxian.policy.Region;
import cn.liangxian.policy.RegionBooks;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The policy books of each region and the date its assessments use. A region has the books of its
 * configuration (one or several: next year's collection opens while this year's late payments are still
 * taken) and the books an administrator published at run time, each live from its activation date.
 */
public final class Regions {
  public static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");

  /** A book published at run time (table {@code policy_book}), live from {@code activeFrom}. */
  public record Published(long id, PolicyBook book, LocalDate activeFrom) {}

  /**
   * A region as the gateway serves it: immutable; a publication replaces the entry, so that whatever was
   * assessed with the old one (kept answers) is recognised as such.
   */
  public static final class Entry {
    private final String code;
    private final String name;
    private final List<PolicyBook> configured;
    private final List<Published> published;
    private final LocalDate pinnedPayDate;
    private final Clock clock;
    private final boolean served;
    private final Map<LocalDate, RegionBooks> byDay = new ConcurrentHashMap<>();

    /** A region with one book, not checked against it (an example book may be assessed so). */
    public Entry(String code, String name, PolicyBook book, LocalDate pinnedPayDate) {
      this(code, name, List.of(book), List.of(), pinnedPayDate, Clock.systemUTC(), false);
    }

    /** A region served with its configured books, which must cover it and be in service, and its published ones. */
    public Entry(String code, String name, List<PolicyBook> configured, List<Published> published, LocalDate pinnedPayDate,
        Clock clock) {
      this(code, name, configured, published, pinnedPayDate, clock, true);
    }

    private Entry(String code, String name, List<PolicyBook> configured, List<Published> published, LocalDate pinnedPayDate,
        Clock clock, boolean served) {
      this.served = served;
      this.code = code;
      this.name = name;
      this.configured = List.copyOf(configured);
      this.published = published.stream()
          .sorted(Comparator.comparing(Published::activeFrom).thenComparing(Published::id)).toList();
      this.pinnedPayDate = pinnedPayDate;
      this.clock = clock;
      regionBooks(this.configured); // the configuration alone must be consistent
    }

    public String code() {
      return code;
    }

    public String name() {
      return name;
    }

    public LocalDate pinnedPayDate() {
      return pinnedPayDate;
    }

    public List<PolicyBook> configured() {
      return configured;
    }

    public List<Published> published() {
      return published;
    }

    /** Today in China, or the region's pinned date. */
    public LocalDate payDate() {
      return pinnedPayDate != null ? pinnedPayDate : LocalDate.now(clock.withZone(CHINA));
    }

    /**
     * The day a payment made on {@code paidOn} was assessed on: that day, or the pinned pay date where the region has
     * one (the demo and tests), which every assessment of the region used.
     */
    public LocalDate assessedOn(LocalDate paidOn) {
      return pinnedPayDate != null || paidOn == null ? payDate() : paidOn;
    }

    /**
     * The books live on a day: the configured ones, each published book active by then replacing every
     * earlier book that sets terms for one of its insurance-years. The same object for the same day.
     */
    public RegionBooks books(LocalDate day) {
      RegionBooks b = byDay.get(day);
      if (b == null) {
        if (byDay.size() > 8) {
          byDay.clear();
        }
        b = byDay.computeIfAbsent(day, d -> live(d, null));
      }
      return b;
    }

    /**
     * The books that would be live on a day were {@code extra} published and active by then (a preview).
     *
     * @throws IllegalArgumentException when they do not fit together
     */
    public RegionBooks booksWith(LocalDate day, PolicyBook extra) {
      return live(day, extra);
    }

    private RegionBooks live(LocalDate day, PolicyBook extra) {
      List<PolicyBook> live = new ArrayList<>(configured);
      for (Published p : published) {
        if (!p.activeFrom().isAfter(day)) {
          replace(live, p.book());
        }
      }
      if (extra != null) {
        replace(live, extra);
      }
      return regionBooks(live);
    }

    private RegionBooks regionBooks(List<PolicyBook> books) {
      return served ? RegionBooks.of(code, books) : RegionBooks.examples(code, books);
    }

    private static void replace(List<PolicyBook> live, PolicyBook book) {
      live.removeIf(b -> overlaps(b, book));
      live.add(book);
    }

    private static boolean overlaps(PolicyBook a, PolicyBook b) {
      for (Insurance ins : Insurance.values()) {
        if (a.terms(ins).isPresent() && b.terms(ins).isPresent()
            && a.terms(ins).get().benefitYear() == b.terms(ins).get().benefitYear()) {
          return true;
        }
      }
      return false;
    }

    /** The books live on the region's pay date. */
    public RegionBooks books() {
      return books(payDate());
    }

    /**
     * The book of the newest benefit year live on the region's pay date: what progress, postings and the
     * roster import go by.
     */
    public PolicyBook book() {
      return newest(books().books());
    }

    static PolicyBook newest(List<PolicyBook> books) {
      return books.stream().max(Comparator.comparingInt(Entry::newestYear)).orElseThrow();
    }

    private static int newestYear(PolicyBook b) {
      int y = Integer.MIN_VALUE;
      for (Insurance ins : Insurance.values()) {
        if (b.terms(ins).isPresent()) {
          y = Math.max(y, b.terms(ins).get().benefitYear());
        }
      }
      return y;
    }

    /** This region with another list of published books. */
    public Entry withPublished(List<Published> next) {
      return new Entry(code, name, configured, next, pinnedPayDate, clock, served);
    }

    @Override
    public String toString() {
      return "Region[" + code + "]";
    }
  }

  private final Map<String, Entry> byCode;
  private final Clock clock;
  /** Per region, its activated books the last read could not serve (they no longer load), none later replacing them. */
  private final Map<String, Integer> notServed = new ConcurrentHashMap<>();

  /** Records how many of a region's activated books its last read could not serve. */
  public void notServed(String code, int books) {
    if (books == 0) {
      notServed.remove(code);
    } else {
      notServed.put(code, books);
    }
  }

  /** The activated books not served, of every region. */
  public int booksNotServed() {
    return notServed.values().stream().mapToInt(Integer::intValue).sum();
  }

  public Regions(Map<String, Entry> byCode, Clock clock) {
    this.byCode = new ConcurrentHashMap<>();
    byCode.forEach((k, e) -> this.byCode.put(k,
        new Entry(e.code, e.name, e.configured, e.published, e.pinnedPayDate, clock, e.served)));
    this.order = List.copyOf(byCode.keySet());
    this.clock = clock;
  }

  private final List<String> order;

  public static Regions load(GatewayOptions config, Clock clock) {
    Map<String, Entry> m = new LinkedHashMap<>();
    for (GatewayOptions.RegionBook r : config.regions()) {
      List<PolicyBook> books = new ArrayList<>();
      String name = null;
      for (String file : r.books()) {
        PolicyBook book;
        try {
          book = PolicyBook.load(config.policyDir().resolve(file));
        } catch (java.io.UncheckedIOException e) {
          throw new IllegalArgumentException("region " + r.code() + ": " + e.getMessage() + " (a region's books are read"
              + " from policies.dir, GATEWAY_POLICY_DIR)", e);
        }
        check(book, r.code(), file);
        name = name != null ? name : book.regions().stream().filter(x -> x.code().equals(r.code())).map(Region::name)
            .findFirst().orElseThrow();
        books.add(book);
      }
      try {
        m.put(r.code(), new Entry(r.code(), name, books, List.of(), r.payDate(), clock));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("region " + r.code() + ": " + e.getMessage(), e);
      }
    }
    return new Regions(m, clock);
  }

  /**
   * What a book must be to serve a region: in service, and covering it.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static void check(PolicyBook book, String region, String file) {
    if (!book.inService()) {
      throw new IllegalArgumentException("book " + file + " is an example of a notice, not in service (inService: false);"
          + " region " + region + " may not be served by it");
    }
    if (book.regions().stream().noneMatch(x -> x.code().equals(region))) {
      throw new IllegalArgumentException("book " + file + " does not cover region " + region);
    }
  }

  public Optional<Entry> get(String code) {
    return Optional.ofNullable(byCode.get(code));
  }

  /**
   * The region of a household read from the database, which this instance must serve to answer for it: else a 503
   * {@code region-not-served} (a region added on another instance first, while a configuration change rolls through
   * them, or taken out of the configuration while its households stay).
   */
  public Entry served(String code) {
    return get(code).orElseThrow(Regions::notServed);
  }

  /** The answer for a household whose region has no policy book here. */
  public static cn.liangxian.gateway.http.Problem notServed() {
    return new cn.liangxian.gateway.http.Problem(503, "region-not-served", "Region not served",
        "this household's region has no policy book here");
  }

  /** Every region, in the order of the configuration. */
  public List<Entry> all() {
    return order.stream().map(byCode::get).toList();
  }

  /** Replaces a region's published books (a publication seen by this instance). */
  public Entry publish(String code, List<Published> published) {
    return byCode.compute(code, (c, e) -> {
      if (e == null) {
        throw new IllegalArgumentException("no region " + code);
      }
      return e.withPublished(published);
    });
  }

  /** Today in China, or the region's pinned date. */
  public LocalDate payDate(Entry region) {
    return region.payDate();
  }

  public Clock clock() {
    return clock;
  }
}
