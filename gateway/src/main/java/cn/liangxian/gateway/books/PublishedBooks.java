package cn.liangxian.gateway.books;

import cn.liangxian.gateway.db.Announcements;
import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.policy.PolicyBook;
import cn.liangxian.policy.PolicyBookException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The books administrators published and activated (table {@code policy_book}), as this process serves
 * them: read at start, and again for a region whenever an instance announces an activation (NOTIFY
 * {@value #CHANNEL}, the region's code), for every region after the announcing connection was lost.
 * Replacing a region's books replaces its entry, which makes every kept lookup answer of it stale.
 */
public final class PublishedBooks {
  private static final Logger LOG = LoggerFactory.getLogger(PublishedBooks.class);

  /** The PostgreSQL channel announcing a region whose published books changed; the payload is its code. */
  public static final String CHANNEL = "policy_book";

  static final String LIVE = "select id, region_code, file_name, text, active_from from policy_book"
      + " where active_from is not null and (? is null or region_code = ?) order by region_code, active_from, id";

  private final Vertx vertx;
  private final Database db;
  private final Regions regions;

  public PublishedBooks(Vertx vertx, Database db, Regions regions) {
    this.vertx = vertx;
    this.db = db;
    this.regions = regions;
  }

  /** Reads every region's activated books into {@code regions}. Blocking: at start-up. */
  public static void load(Database db, Regions regions) {
    apply(regions, read(db, null), null);
  }

  /** Hears the other instances' activations; reads everything again after a reconnect. */
  public void listen(Announcements announcements) {
    announcements.channel(CHANNEL).subscribeHandler(v -> reload(null)).handler(this::reload);
  }

  /** Reads a region's activated books again (null: every region's), on a worker, in the order asked. */
  public Future<Void> reload(String region) {
    return vertx.<Void>executeBlocking(() -> {
      apply(regions, read(db, region), region);
      return null;
    }).onFailure(e -> LOG.error("could not read the published policy books{}: {}",
        region == null ? "" : " of region " + region, e.toString()));
  }

  private static Map<String, List<Regions.Published>> read(Database db, String region) {
    Map<String, List<Regions.Published>> out = new LinkedHashMap<>();
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(LIVE)) {
      ps.setString(1, region);
      ps.setString(2, region);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String code = rs.getString("region_code");
          long id = rs.getLong("id");
          PolicyBook book;
          try {
            book = PolicyBook.parse(rs.getString("file_name"), rs.getString("text"));
            Regions.check(book, code, rs.getString("file_name"));
          } catch (PolicyBookException | IllegalArgumentException e) {
            // checked when it was published; a later engine may read it otherwise: the region keeps its other books
            LOG.error("published policy book {} of region {} no longer loads and is not served: {}", id, code, e.getMessage());
            continue;
          }
          out.computeIfAbsent(code, k -> new ArrayList<>())
              .add(new Regions.Published(id, book, rs.getObject("active_from", java.time.LocalDate.class)));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the published policy books: " + e.getMessage(), e);
    }
    return out;
  }

  private static void apply(Regions regions, Map<String, List<Regions.Published>> read, String only) {
    for (Regions.Entry e : regions.all()) {
      if (only != null && !only.equals(e.code())) {
        continue;
      }
      List<Regions.Published> next = read.getOrDefault(e.code(), List.of());
      if (next.isEmpty() && e.published().isEmpty()) {
        continue; // nothing published here: the entry (and the answers kept for it) stays
      }
      try {
        regions.publish(e.code(), next);
      } catch (IllegalArgumentException x) {
        LOG.error("the published policy books of region {} do not fit together and are not served: {}", e.code(), x.getMessage());
      }
    }
  }
}
