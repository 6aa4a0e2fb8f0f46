package cn.liangxian.gateway.books;

import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.gateway.http.JsonBodies;
import cn.liangxian.gateway.http.MediaTypes;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.RequestDates;
import cn.liangxian.gateway.lookup.HouseholdStore;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.operator.AuditTrail;
import cn.liangxian.gateway.operator.Operator;
import cn.liangxian.gateway.operator.Role;
import cn.liangxian.policy.Insurance;
import cn.liangxian.policy.PolicyBook;
import cn.liangxian.policy.PolicyBookException;
import cn.liangxian.policy.RegionBooks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Publishing a policy book at run time, administrators only. {@code POST /api/v1/operator/books} takes the
 * book's YAML, checks it exactly as a book of the configuration is checked at start-up (a problem names
 * the file, line and field), stores it and answers with a preview of what it changes for a sample of the
 * region's households; it is live from {@code activateOn}, given then or by
 * {@code POST /api/v1/operator/books/{id}/activate}. An activation is audited with the books live before
 * and after, and announced to every instance, each of which reads the region's books again.
 */
public final class BookHandlers {
  static final int DEFAULT_SAMPLE = 200;
  static final int MAX_SAMPLE = 2000;
  private static final Set<String> YAML_TYPES = Set.of("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml",
      "text/plain");

  static final String INSERT = "insert into policy_book (region_code, book_id, file_name, text, uploaded_by) values ($1, $2, $3, $4, $5)"
      + " returning id";
  static final String ROW = "select id, region_code, book_id, file_name, text, active_from, uploaded_by from policy_book where id = $1";
  static final String ACTIVATE = "update policy_book set active_from = $2, activated_by = $3, activated_at = now()"
      + " where id = $1 and active_from is null";
  static final String NOTIFY = "select pg_notify('" + PublishedBooks.CHANNEL + "', $1)";
  static final String LIST = "select id, region_code, book_id, file_name, uploaded_by, uploaded_at, active_from, activated_by,"
      + " activated_at from policy_book where ($1::text is null or region_code = $1) order by id desc limit 200";

  /** Every statement above, checked against the schema at start-up. */
  public static final List<String> STATEMENTS = List.of(INSERT, ROW, ACTIVATE, NOTIFY, LIST);

  private final Vertx vertx;
  private final Pool pool;
  private final Regions regions;
  private final PublishedBooks published;
  private final HouseholdStore households;
  private final Clock clock;

  public BookHandlers(Vertx vertx, Pool pool, Regions regions, PublishedBooks published, HouseholdStore households,
      Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.regions = regions;
    this.published = published;
    this.households = households;
    this.clock = clock;
  }

  /** {@code POST /api/v1/operator/books?region=&file=&activateOn=&sample=}, the body a book's YAML. */
  public void upload(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.ADMIN);
    ctx.put(AuditTrail.ACTION, "book.upload");
    String type = ctx.request().getHeader("Content-Type");
    if (!YAML_TYPES.contains(MediaTypes.of(type))) {
      throw new Problem(415, "unsupported-media-type", "Unsupported media type",
          "send the book as application/yaml (UTF-8 or GB18030), the text of a file of config/policies");
    }
    String file = ctx.queryParams().get("file") == null ? "uploaded-book.yaml" : ctx.queryParams().get("file");
    if (!file.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
      throw Problem.invalidField("file", "file is the book's file name (letters, digits, '.', '_', '-'), used in its messages");
    }
    String regionParam = ctx.queryParams().get("region");
    LocalDate activateOn = date(ctx.queryParams().get("activateOn"));
    int sample = sample(ctx.queryParams().get("sample"));
    byte[] bytes = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    // read and parsed on a worker: a large or deeply nested upload never holds an event loop
    vertx.executeBlocking(() -> Uploaded.of(file, bytes), false)
        .recover(e -> Future.failedFuture(e instanceof PolicyBookException b ? invalid(b) : e))
        .compose(uploaded -> {
          PolicyBook book = uploaded.book();
          String text = uploaded.text();
          Regions.Entry region = region(book, regionParam, file);
          op.requireScope(region.code(), null, null);
          LocalDate day = activateOn != null ? activateOn : region.payDate();
          notBefore(region, activateOn);
          RegionBooks before = region.books(day);
          RegionBooks after = fits(region, day, book);
          OffsetDateTime now = OffsetDateTime.now(clock);
          return households.sample(vertx, pool, region.code(), sample)
              .compose(hs -> vertx.executeBlocking(() -> BookPreview.of(hs, before, after, day, now), false))
              .compose(preview -> pool.withTransaction(conn -> conn.preparedQuery(INSERT)
                  .execute(Tuple.of(region.code(), book.id(), file, text, op.username()))
                  .compose(rows -> {
                    long id = rows.iterator().next().getLong(0);
                    JsonObject stored = described(id, region, book, text);
                    Future<Void> audited = AuditLog.record(conn, AuditLog.Change.of(op.username(), "book.upload",
                        subject(region, id), stored));
                    if (activateOn == null) {
                      return audited.map(x -> stored.put("state", "uploaded").put("preview", preview));
                    }
                    return audited.compose(x -> activate(conn, op, id, region, book, activateOn))
                        .map(x -> stored.put("state", "activated").put("activeFrom", activateOn.toString()).put("preview", preview));
                  })))
              .compose(answer -> activateOn == null ? Future.succeededFuture(answer)
                  : published.reload(region.code()).map(answer));
        })
        .onComplete(ar -> {
          if (ar.failed()) {
            ctx.fail(ar.cause());
          } else {
            ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(ar.result().toBuffer());
          }
        });
  }

  /** A book as uploaded: its text and what it says. */
  private record Uploaded(String text, PolicyBook book) {
    /**
     * The text in UTF-8, or GB18030 where it is not (a book saved by a Chinese Windows editor: read as UTF-8 its notes
     * and sources would be kept as replacement characters); a NUL, which no book has and PostgreSQL keeps in no text,
     * refused.
     */
    static Uploaded of(String file, byte[] bytes) {
      String text = cn.liangxian.gateway.http.CsvUploads.decode(bytes);
      long nul = cn.liangxian.gateway.http.CsvUploads.nulLine(text);
      if (nul > 0) {
        throw Problem.invalidField("body", file + ": line " + nul + " contains a NUL character (U+0000)");
      }
      return new Uploaded(text, PolicyBook.parse(file, text));
    }
  }

  /**
   * {@code GET /api/v1/operator/books?region=}: the books uploaded at run time, newest first (200 at most), with
   * the books of the configuration and those live on each region's pay date.
   */
  public void list(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.ADMIN);
    ctx.put(AuditTrail.ACTION, "book.list");
    String region = ctx.queryParams().get("region");
    if (region != null) {
      regions.get(region).orElseThrow(() -> Problem.invalidField("region", "region " + region + " is not served here"));
      op.requireScope(region, null, null);
    } else if (!op.scope().isAll()) {
      throw Problem.invalidField("region", "region is required: your account covers " + op.scope());
    }
    pool.preparedQuery(LIST).execute(Tuple.of(region)).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      JsonArray uploaded = new JsonArray();
      for (Row r : ar.result()) {
        uploaded.add(new JsonObject().put("id", r.getLong("id")).put("region", r.getString("region_code"))
            .put("book", r.getString("book_id")).put("file", r.getString("file_name"))
            .put("uploadedBy", r.getString("uploaded_by")).put("uploadedAt", cn.liangxian.gateway.time.UtcTime.iso(r.getOffsetDateTime("uploaded_at")))
            .put("state", r.getLocalDate("active_from") == null ? "uploaded" : "activated")
            .put("activeFrom", r.getLocalDate("active_from") == null ? null : r.getLocalDate("active_from").toString())
            .put("activatedBy", r.getString("activated_by"))
            .put("activatedAt", cn.liangxian.gateway.time.UtcTime.iso(r.getOffsetDateTime("activated_at"))));
      }
      JsonArray live = new JsonArray();
      for (Regions.Entry e : regions.all()) {
        if (region == null || region.equals(e.code())) {
          live.add(BookPreview.summary(e.books(), e.payDate()).put("region", e.code())
              .put("configured", new JsonArray(e.configured().stream().map(PolicyBook::file).toList())));
        }
      }
      ctx.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("uploaded", uploaded).put("live", live).toBuffer());
    });
  }

  /** {@code POST /api/v1/operator/books/:id/activate} {activateOn}. */
  public void activate(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.ADMIN);
    ctx.put(AuditTrail.ACTION, "book.activate");
    JsonObject body = JsonBodies.object(ctx, Set.of("activateOn"));
    LocalDate activateOn = date(JsonBodies.requiredString(body, "activateOn", 10));
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw notFound(ctx.pathParam("id"));
    }
    pool.preparedQuery(ROW).execute(Tuple.of(id)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(notFound(Long.toString(id)));
      }
      Row r = rows.iterator().next();
      Regions.Entry region = regions.get(r.getString("region_code")).orElse(null);
      if (region == null) {
        return Future.failedFuture(notFound(Long.toString(id)));
      }
      op.requireScope(region.code(), null, null);
      if (r.getLocalDate("active_from") != null) {
        return Future.failedFuture(alreadyActive(id, r.getLocalDate("active_from")));
      }
      notBefore(region, activateOn);
      String file = r.getString("file_name");
      String text = r.getString("text");
      return vertx.executeBlocking(() -> PolicyBook.parse(file, text), false)
          .recover(e -> Future.failedFuture(e instanceof PolicyBookException b ? invalid(b) : e))
          .compose(book -> {
            fits(region, activateOn, book);
            return pool.withTransaction(conn -> activate(conn, op, id, region, book, activateOn))
                .compose(x -> published.reload(region.code()))
                .map(x -> described(id, region, book, text).put("state", "activated").put("activeFrom", activateOn.toString()));
          });
    }).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else {
        ctx.response().putHeader("Content-Type", "application/json").end(ar.result().toBuffer());
      }
    });
  }

  /** Marks the book live from a day, audits the books live that day before and after, and tells every instance. */
  private Future<Void> activate(SqlConnection conn, Operator op, long id, Regions.Entry region, PolicyBook book, LocalDate day) {
    JsonObject before = BookPreview.summary(region.books(day), day);
    JsonObject after = BookPreview.summary(fits(region, day, book), day).put("activated", id);
    return conn.preparedQuery(ACTIVATE).execute(Tuple.of(id, day, op.username())).compose(rows -> {
      if (rows.rowCount() == 0) {
        return Future.failedFuture(alreadyActive(id, null));
      }
      return AuditLog.record(conn, new AuditLog.Change(op.username(), "book.activate", subject(region, id), before, after))
          // every instance reads the region's books again once this commits
          .compose(x -> conn.preparedQuery(NOTIFY).execute(Tuple.of(region.code())).mapEmpty());
    });
  }

  /** The region a book is published for: the one named, or the one region it covers that is served here. */
  private Regions.Entry region(PolicyBook book, String named, String file) {
    if (named != null) {
      Regions.Entry e = regions.get(named).orElseThrow(() -> Problem.invalidField("region", "region " + named + " is not served here"));
      try {
        Regions.check(book, e.code(), file);
      } catch (IllegalArgumentException x) {
        throw unfit(x.getMessage());
      }
      return e;
    }
    if (!book.inService()) {
      throw unfit("book " + file + " is an example of a notice, not in service (inService: false)");
    }
    List<Regions.Entry> served = book.regions().stream().map(r -> regions.get(r.code())).flatMap(java.util.Optional::stream).toList();
    if (served.size() != 1) {
      throw Problem.invalidField("region", served.isEmpty()
          ? "book " + file + " covers no region served here (" + book.regions().stream().map(r -> r.code()).toList() + ")"
          : "book " + file + " covers several regions served here: name one with ?region=");
    }
    return served.get(0);
  }

  /** The books live on a day were this one active by then. */
  private static RegionBooks fits(Regions.Entry region, LocalDate day, PolicyBook book) {
    try {
      return region.booksWith(day, book);
    } catch (IllegalArgumentException e) {
      throw unfit(e.getMessage());
    }
  }

  private static void notBefore(Regions.Entry region, LocalDate activateOn) {
    if (activateOn != null && activateOn.isBefore(region.payDate())) {
      throw Problem.unprocessable("activation-in-the-past", "Activation date has passed", "activateOn " + activateOn
          + " is before " + region.payDate() + ", the date region " + region.code() + " is assessed on",
          new JsonObject().put("field", "activateOn"));
    }
  }

  private static JsonObject described(long id, Regions.Entry region, PolicyBook book, String text) {
    JsonObject years = new JsonObject();
    for (Insurance ins : Insurance.values()) {
      book.terms(ins).ifPresent(t -> years.put(ins.code(), t.benefitYear()));
    }
    return new JsonObject().put("id", id).put("region", region.code()).put("book", book.id()).put("file", book.file())
        .put("title", book.title()).put("years", years).put("sha256", sha256(text));
  }

  private static String subject(Regions.Entry region, long id) {
    return "policy-book " + id + " region " + region.code();
  }

  /** The same file, line and field as start-up gives, as a 422 problem. */
  static Problem invalid(PolicyBookException e) {
    return Problem.unprocessable("invalid-book", "Invalid policy book", e.getMessage(), new JsonObject().put("file", e.file())
        .put("line", e.line()).put("field", e.field()));
  }

  private static Problem unfit(String detail) {
    return Problem.unprocessable("book-not-for-region", "Book cannot serve this region", detail, null);
  }

  private static Problem notFound(String id) {
    return Problem.notFound("book-not-found", "No such book", "no uploaded policy book " + id);
  }

  private static Problem alreadyActive(long id, LocalDate from) {
    return Problem.conflict("book-already-active", "Already activated", "policy book " + id + " is already activated"
        + (from == null ? "" : " from " + from), null);
  }

  private static LocalDate date(String s) {
    if (s == null) {
      return null;
    }
    return RequestDates.day(s, "activateOn");
  }

  private static int sample(String s) {
    if (s == null) {
      return DEFAULT_SAMPLE;
    }
    try {
      int n = Integer.parseInt(s);
      if (n >= 0 && n <= MAX_SAMPLE) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw Problem.invalidField("sample", "sample is a number of households from 0 to " + MAX_SAMPLE);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
