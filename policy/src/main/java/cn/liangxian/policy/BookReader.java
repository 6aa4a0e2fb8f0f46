package cn.liangxian.policy;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a policy book and checks it for consistency; every problem names file, line and field. The
 * book's head (notice, regions) is read here, each insurance section by a {@link TermsReader}.
 */
final class BookReader {
  private static final Pattern REGION_CODE = Pattern.compile("[1-8][0-9]{5}");

  private final String file;

  BookReader(String file) {
    this.file = file;
  }

  PolicyBook read(String yaml) {
    YamlNode book = new YamlNode(file, "", compose(yaml))
        .allowOnly("id", "notice", "title", "inService", "regions", "categories", "reasons", "medical", "pension", "roster");
    String id = book.field("id").string();
    String notice = book.field("notice").string();
    // the seed notices are numbered 000-004; another city's is named by its document number (文号)
    if (!notice.matches("[0-9]{3}|[^\\s]{2,40}")) {
      throw book.field("notice").error("must name the notice in one word: a three-digit number (\"000\") or its document"
          + " number (\"泰医保发〔2025〕12号\"), without spaces");
    }
    String title = book.field("title").string();
    List<Region> regions = regions(book);
    boolean inService = !book.has("inService") || book.field("inService").bool();
    NoticeSources sources = new NoticeSources(notice);
    Categories categories = new CategoriesReader(sources).read(book);
    ReasonTexts reasons = ReasonTexts.read(book, sources);
    TermsReader sections = new TermsReader(sources, categories);
    Map<Insurance, InsuranceTerms> terms = new EnumMap<>(Insurance.class);
    for (Insurance ins : Insurance.values()) {
      if (book.has(ins.code())) {
        terms.put(ins, sections.read(ins, book.field(ins.code())));
      }
    }
    if (terms.isEmpty()) {
      throw book.error("states neither medical nor pension terms");
    }
    return new PolicyBook(new PolicyBook.Head(id, file, notice, title, inService), regions, categories, reasons, terms,
        guardian(book, sources));
  }

  /**
   * {@code roster: {guardian: {underAge, phone, source}}}: the notice registers minors only with a guardian. Left out, the
   * rosters of the book's regions take a guardian where given and ask for none.
   */
  private static PolicyBook.GuardianRule guardian(YamlNode book, NoticeSources sources) {
    if (!book.has("roster")) {
      return null;
    }
    YamlNode roster = book.field("roster").allowOnly("guardian");
    if (!roster.has("guardian")) {
      return null;
    }
    YamlNode g = roster.field("guardian").allowOnly("underAge", "phone", "source", "note");
    int under = g.field("underAge").age();
    if (under < 1 || under > 18) {
      throw g.field("underAge").error("a guardian is for minors: an age from 1 to 18, got " + under);
    }
    boolean phone = g.has("phone") && g.field("phone").bool();
    return new PolicyBook.GuardianRule(under, phone, sources.of(g));
  }

  /** The YAML node tree, which keeps line numbers; duplicate keys are refused, not silently merged. */
  private Node compose(String yaml) {
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      root = new Yaml(new SafeConstructor(options)).compose(new StringReader(yaml));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
      throw new PolicyBookException(file, line, "", "not valid YAML: " + e.getProblem());
    } catch (YAMLException e) {
      throw new PolicyBookException(file, 1, "", "not valid YAML: " + e.getMessage());
    }
    if (root == null) {
      throw new PolicyBookException(file, 1, "", "the book is empty");
    }
    return root;
  }

  private static List<Region> regions(YamlNode book) {
    List<Region> regions = new ArrayList<>();
    Set<String> codes = new HashSet<>();
    for (YamlNode r : book.field("regions").list()) {
      r.allowOnly("code", "name");
      String code = r.field("code").string();
      if (!REGION_CODE.matcher(code).matches()) {
        throw r.field("code").error("must be a six-digit GB/T 2260 region code, got '" + code + "'");
      }
      if (!codes.add(code)) {
        throw r.field("code").error("region " + code + " is listed twice");
      }
      regions.add(new Region(code, r.field("name").string()));
    }
    if (regions.isEmpty()) {
      throw book.field("regions").error("must list at least one region");
    }
    return regions;
  }
}
