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
 * One local notice as data: its regions and, per insurance, the terms it sets. Loaded from the YAML
 * files in {@code config/policies/}; a book that is malformed or inconsistent does not load.
 */
public final class PolicyBook {
  private final String id;
  private final String file;
  private final String notice;
  private final String title;
  private final List<Region> regions;
  private final Map<Insurance, InsuranceTerms> terms;

  PolicyBook(String id, String file, String notice, String title, List<Region> regions, Map<Insurance, InsuranceTerms> terms) {
    this.id = id;
    this.file = file;
    this.notice = notice;
    this.title = title;
    this.regions = List.copyOf(regions);
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
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read policy book " + path + ": " + e.getMessage(), e);
    }
    return parse(path.getFileName().toString(), text);
  }

  /** Parses a book from text; {@code fileName} is used in error messages. */
  public static PolicyBook parse(String fileName, String yaml) {
    return new BookReader(fileName).read(yaml);
  }

  public String id() {
    return id;
  }

  /** The file name the book was read from. */
  public String file() {
    return file;
  }

  /** The seed notice number, e.g. {@code 000}. */
  public String notice() {
    return notice;
  }

  public String title() {
    return title;
  }

  public List<Region> regions() {
    return regions;
  }

  public Optional<InsuranceTerms> terms(Insurance insurance) {
    return Optional.ofNullable(terms.get(insurance));
  }

  @Override
  public String toString() {
    return "PolicyBook[" + id + "]";
  }
}
