package cn.liangxian.policy.cli;

import cn.liangxian.policy.Assessment;
import cn.liangxian.policy.AssessmentException;
import cn.liangxian.policy.BookTables;
import cn.liangxian.policy.ReasonCode;
import cn.liangxian.policy.HouseholdAssessment;
import cn.liangxian.policy.Insurance;
import cn.liangxian.policy.PolicyBook;
import cn.liangxian.policy.PolicyBookException;
import cn.liangxian.policy.PolicyEngine;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code policy assess --book <book.yaml>}: JSON Lines in, one JSON line out per input line, in order.
 * Operators and other tools rely on this contract exactly.
 */
public final class PolicyCli {
  static final int OK = 0;
  static final int SOME_LINES_FAILED = 1;
  static final int USAGE = 2;

  static final String HELP = """
      policy: what a resident owes for resident medical and pension insurance, and why.

      Usage:
        java -jar policy.jar assess --book <book.yaml>      assess JSON Lines from stdin
        java -jar policy.jar household --book <book.yaml>   assess whole households from stdin
        java -jar policy.jar check <book.yaml>...           load books and report any problem
        java -jar policy.jar explain --book <book.yaml> [--pdf <out.pdf>]
                                                            the book as the notice's tables, in Chinese:
                                                            as text on stdout, or as an A4 PDF
        java -jar policy.jar --help                         this text

      assess reads one JSON object per line on stdin and writes exactly one JSON line per input
      line, in the same order, on stdout.
        Input fields:
          idNumber    string, required: 18-digit ID number (x or X), or a legacy 15-digit one
          insurance   "medical" or "pension", required
          categories  array of category codes, default []: DIBAO TEKUN WUBAO POVERTY POVERTY_LIFTED
                      LOW_INCOME SOCIAL_BOTTOM_LINE DISABLED SEVERE_DISABLED PRIORITY_CARE ORPHAN
                      UNSUPPORTED_CHILD OTHER_HARDSHIP ONLY_SON ONLY_DAUGHTER TWO_DAUGHTERS
                      ONLY_CHILD_PARENT DOWNSIZED_1960S HARDSHIP_WORKER OLD_PARTY_MEMBER STUDENT,
                      and the categories the book declares
          local       boolean, default true: registered (户籍) in the book's region
          tier        integer yuan: the tier chosen (pension; medical where the book has medical tiers)
          payDate     "YYYY-MM-DD", default: the first day of the book's collection window
          addOns      array of add-on codes, e.g. ["COMMERCIAL_SUPPLEMENT"]
          enrolledElsewhere  boolean, default false: insured elsewhere or under employee insurance
          spouseIdNumber     string, optional: used where a rule looks at the wife's age
        Output fields:
          eligible (boolean), reason (string, only when not eligible), reasonCode and reasonText
          (the stable code and the Chinese text of that reason), personalFen, governmentFen,
          subsidyFen, laterSubsidyFen, totalFen (integers, fen), coverageStart, coverageEnd
          ("YYYY-MM-DD", null when not eligible), rules (array of {"id","source"}: the rules
          applied and the notice clause each comes from).
          totalFen = personalFen + governmentFen + subsidyFen; laterSubsidyFen is the part of
          personalFen given back afterwards (先征后补).
        A line that cannot be assessed (bad JSON, bad ID number, unknown category, tier not
        offered, ...) yields {"error": "..."} on its line (with "reasonCode" and "reasonText" when
        the engine refused it) and the rest go on.

      household reads one JSON object per line: {"insurance": ..., "payDate": ..., "members": [ ...
      objects with the assess input fields except insurance and payDate ... ]} and writes the
      members' assessments, the totals and whether the family must enrol whole.

      Exit status: 0 when every line was assessed, 1 when any line yielded an error (a household's
      line too when one of its members did, or a book failed to check), 2 on a usage error or a book
      that does not load.
      """;

  // a line is one JSON value: text after it ("{...} trailing") is a mistake, not something to drop
  private final ObjectMapper json = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private final AssessmentJson output = new AssessmentJson(json);

  public static void main(String[] args) {
    PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true);
    int status = new PolicyCli().run(args, new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out), err);
    System.exit(status);
  }

  /** Runs the command; returns the exit status. */
  public int run(String[] args, InputStream in, OutputStream out, PrintWriter err) {
    if (args.length == 0) {
      err.println("policy: no command given\n");
      err.print(HELP);
      err.flush();
      return USAGE;
    }
    if (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      PrintWriter w = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
      w.print(HELP);
      w.flush();
      return OK;
    }
    try {
      return switch (args[0]) {
        case "assess" -> lines(bookOption(args), in, out, false);
        case "household" -> lines(bookOption(args), in, out, true);
        case "check" -> check(args, out, err);
        case "explain" -> explain(args, out);
        default -> throw new UsageException("unknown command '" + args[0] + "'");
      };
    } catch (UsageException e) {
      err.println("policy: " + e.getMessage());
      err.println("Run 'java -jar policy.jar --help' for usage.");
      err.flush();
      return USAGE;
    } catch (PolicyBookException e) {
      err.println("policy: book does not load: " + e.getMessage());
      err.flush();
      return USAGE;
    } catch (UncheckedIOException e) {
      err.println("policy: " + e.getMessage());
      err.flush();
      return USAGE;
    }
  }

  private static PolicyBook bookOption(String[] args) {
    String book = null;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--book") && i + 1 < args.length) {
        book = args[++i];
      } else if (args[i].startsWith("--book=")) {
        book = args[i].substring("--book=".length());
      } else if (args[0].equals("explain") && args[i].equals("--pdf") && i + 1 < args.length) {
        i++;
      } else {
        throw new UsageException("unexpected argument '" + args[i] + "'");
      }
    }
    if (book == null) {
      throw new UsageException(args[0] + " needs --book <book.yaml>");
    }
    return PolicyBook.load(Path.of(book));
  }

  private int check(String[] args, OutputStream out, PrintWriter err) {
    if (args.length < 2) {
      throw new UsageException("check needs at least one book file");
    }
    PrintWriter w = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    int status = OK;
    for (int i = 1; i < args.length; i++) {
      try {
        PolicyBook b = PolicyBook.load(Path.of(args[i]));
        w.println(args[i] + ": ok (" + b.id() + ", " + String.join("+",
            List.of(Insurance.values()).stream().filter(x -> b.terms(x).isPresent()).map(Insurance::code).toList())
            + (b.inService() ? "" : ", an example, not in service") + ")");
      } catch (PolicyBookException e) {
        // named as given, as a good one is: two books of one name in two folders are told apart
        String message = e.getMessage();
        err.println(message.startsWith(e.file() + ":") ? args[i] + message.substring(e.file().length()) : message);
        status = SOME_LINES_FAILED;
      } catch (UncheckedIOException e) {
        err.println(e.getMessage());
        status = SOME_LINES_FAILED;
      }
    }
    w.flush();
    err.flush();
    return status;
  }

  /** The book as the notice's tables: text on stdout, or a PDF written where {@code --pdf} says. */
  private int explain(String[] args, OutputStream out) {
    PolicyBook book = bookOption(args);
    String pdf = null;
    for (int i = 1; i < args.length - 1; i++) {
      if (args[i].equals("--pdf")) {
        pdf = args[i + 1];
      }
    }
    String title = book.title() + " 缴费标准一览表";
    List<BookTables.Table> tables = BookTables.of(book);
    if (pdf == null) {
      PrintWriter w = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
      w.print(BookText.render(title, tables));
      w.flush();
      return OK;
    }
    try {
      java.nio.file.Files.write(Path.of(pdf), BookPdf.render(title, tables));
    } catch (java.io.IOException e) {
      throw new UncheckedIOException("cannot write " + pdf + ": " + e.getMessage(), e);
    }
    return OK;
  }

  private int lines(PolicyBook book, InputStream in, OutputStream out, boolean household) {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    Writer w = new java.io.BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    int status = OK;
    try {
      String line;
      while ((line = reader.readLine()) != null) {
        JsonNode result;
        try {
          JsonNode input = parse(line);
          result = household ? household(input, book) : assess(input, book);
        } catch (IllegalArgumentException e) {
          result = json.createObjectNode().put("error", e.getMessage());
        } catch (AssessmentException e) {
          result = json.createObjectNode().put("error", e.getMessage()).put("reasonCode", e.reason().code())
              .put("reasonText", e.reason().text());
        }
        if (result.has("error") || memberFailed(result)) {
          status = SOME_LINES_FAILED;
        }
        w.write(json.writeValueAsString(result));
        w.write('\n');
        if (!reader.ready()) {
          w.flush(); // answer what has arrived before waiting for more
        }
      }
      w.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read stdin or write stdout: " + e.getMessage(), e);
    }
    return status;
  }

  /** A household whose line was read, but a member of which could not be assessed: the line did not wholly succeed. */
  private static boolean memberFailed(JsonNode result) {
    for (JsonNode m : result.path("members")) {
      if (m.has("error")) {
        return true;
      }
    }
    return false;
  }

  private JsonNode parse(String line) {
    if (line.isBlank()) {
      throw new IllegalArgumentException("empty line: expected a JSON object");
    }
    try {
      return json.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
    }
  }

  private ObjectNode assess(JsonNode input, PolicyBook book) {
    AssessRequest r = AssessRequest.from(input, true, book.categories());
    LocalDate payDate = r.payDate() != null ? r.payDate() : defaultPayDate(book, r.insurance());
    Assessment a = PolicyEngine.assess(r.person(), r.insurance(), book, payDate, r.tierYuan(), r.addOns());
    return output.assessment(a);
  }

  private JsonNode household(JsonNode input, PolicyBook book) {
    if (input == null || !input.isObject()) {
      throw new IllegalArgumentException("each line must be a JSON object");
    }
    for (java.util.Iterator<String> it = input.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!HOUSEHOLD_FIELDS.contains(f)) {
        throw new IllegalArgumentException("unknown field '" + f + "' (known: " + String.join(", ",
            HOUSEHOLD_FIELDS.stream().sorted().toList()) + ")");
      }
    }
    Insurance insurance = Insurance.ofCode(input.path("insurance").asText("")).orElseThrow(
        () -> new IllegalArgumentException("insurance must be \"medical\" or \"pension\""));
    JsonNode members = input.get("members");
    if (members == null || !members.isArray() || members.isEmpty()) {
      throw new IllegalArgumentException("members must be a non-empty array");
    }
    LocalDate payDate;
    try {
      payDate = input.hasNonNull("payDate") ? LocalDate.parse(input.get("payDate").asText()) : defaultPayDate(book, insurance);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("payDate must be a real date \"YYYY-MM-DD\"");
    }
    List<HouseholdAssessment.Member> list = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      try {
        AssessRequest r = AssessRequest.from(members.get(i), false, book.categories());
        list.add(new HouseholdAssessment.Member(r.person(), r.tierYuan(), r.addOns()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("members[" + i + "]: " + e.getMessage());
      }
    }
    HouseholdAssessment h = PolicyEngine.assessHousehold(list, insurance, book, payDate);
    return output.household(h, insurance, payDate);
  }

  private static final java.util.Set<String> HOUSEHOLD_FIELDS = java.util.Set.of("insurance", "members", "payDate");

  private static LocalDate defaultPayDate(PolicyBook book, Insurance insurance) {
    return book.terms(insurance)
        .orElseThrow(() -> new AssessmentException(book.reason(ReasonCode.NO_TERMS,
            book.file() + " sets no " + insurance.code() + " terms", insurance)))
        .firstPayDate();
  }

  private static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
