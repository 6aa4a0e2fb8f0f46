package cn.liangxian.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One local notice as data: its regions, the categories it declares and, per insurance, the terms it
 * sets. Loaded from the YAML files in {@code config/policies/}; a book that is malformed or inconsistent
 * does not load.
 */
public final class PolicyBook {
  /**
   * What names a book.
   *
   * @param inService false for a book shipped as an example of a notice, which no region may use
   */
  record Head(String id, String file, String notice, String title, boolean inService) {}

  /**
   * A notice's rule for the village rosters: a person younger than {@code underAge} on the book's age date is registered
   * only with a guardian (name and ID number; and phone where {@code phone}).
   */
  public record GuardianRule(int underAge, boolean phone, String source) {}

  private final Head head;
  private final List<Region> regions;
  private final Categories categories;
  private final ReasonTexts reasons;
  private final Map<Insurance, InsuranceTerms> terms;
  private final GuardianRule guardian;

  PolicyBook(Head head, List<Region> regions, Categories categories, ReasonTexts reasons,
      Map<Insurance, InsuranceTerms> terms, GuardianRule guardian) {
    this.head = head;
    this.guardian = guardian;
    this.regions = List.copyOf(regions);
    this.categories = categories;
    this.reasons = reasons;
    this.terms = new EnumMap<>(terms);
  }

  /**
   * Loads and checks a book.
   *
   * @throws PolicyBookException naming the file, line and field of the first problem
   * @throws UncheckedIOException when the file cannot be read
   */
  public static PolicyBook load(Path path) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new UncheckedIOException("policy book " + path + " not found", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read policy book " + path + ": " + e.getMessage(), e);
    }
    return parse(path.getFileName().toString(), text);
  }

  /** Parses a book from text; {@code fileName} is used in error messages. */
  public static PolicyBook parse(String fileName, String yaml) {
    List<String> key = List.of(fileName, yaml);
    PolicyBook known = PARSED.get(key);
    if (known != null) {
      return known;
    }
    PolicyBook book = new BookReader(fileName).read(yaml); // a book that does not load is never kept
    PARSED.put(key, book);
    return book;
  }

  /** How many parsed books a process keeps, the last used first: more than a province's regions have. */
  static final int PARSED_KEPT = 64;

  /**
   * The books this process parsed, by file name and text. A book is a value, and the same text is the same book: a start
   * reads each region's books from its files and again as published in the database, and a process that starts many
   * gateways (a test run) reads the same few books hundreds of times, each a YAML parse and every table checked.
   */
  private static final Map<List<String>, PolicyBook> PARSED = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<String>, PolicyBook> eldest) {
          return size() > PARSED_KEPT;
        }
      });

  public String id() {
    return head.id();
  }

  /** The file name the book was read from. */
  public String file() {
    return head.file();
  }

  /** The notice, e.g. {@code 000} or its document number {@code 泰医保发〔2025〕12号}. */
  public String notice() {
    return head.notice();
  }

  public String title() {
    return head.title();
  }

  /** False for a book shipped only as an example of a real notice: no region may be served by it. */
  public boolean inService() {
    return head.inService();
  }

  public List<Region> regions() {
    return regions;
  }

  /** The national groups and the categories this book declares. */
  /** The notice's guardian rule for minors on the rosters, where it has one ({@code roster.guardian}). */
  public java.util.Optional<GuardianRule> guardian() {
    return java.util.Optional.ofNullable(guardian);
  }

  public Categories categories() {
    return categories;
  }

  public Optional<InsuranceTerms> terms(Insurance insurance) {
    return Optional.ofNullable(terms.get(insurance));
  }

  /** A reason with its code and Chinese text (the book's wording where it gives one). */
  public Reason reason(ReasonCode code, String detail, Object... args) {
    return reasons.reason(code, detail, args);
  }

  /** The book's own wording of a reason, if it gives one. */
  public Optional<String> reasonText(ReasonCode code) {
    return Optional.ofNullable(reasons.override(code));
  }

  @Override
  public String toString() {
    return "PolicyBook[" + head.id() + "]";
  }
}
