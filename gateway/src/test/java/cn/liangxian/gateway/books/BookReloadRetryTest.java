package cn.liangxian.gateway.books;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An instance told of an activation cannot read the books at that moment (the database failing over): it reads them
 * again until it can, instead of assessing with the book replaced elsewhere until it restarts.
 */
class BookReloadRetryTest {
  @Test
  void aReadOfTheBooksThatFailedIsMadeAgainUntilItSucceeds() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      long id = publishRaised(g);
      assertThat(BookPublishTest.personalFen(g)).isEqualTo(25000);

      // activated, and announced, while the books cannot be read
      sql(g, "update policy_book set active_from = '2019-12-15', activated_by = 'admin', activated_at = now() where id = " + id);
      sql(g, "alter table policy_book rename to policy_book_away");
      sql(g, "select pg_notify('" + PublishedBooks.CHANNEL + "', '371312')");
      Eventually.until("the read to have failed", () -> reads(g, "failed") > 0);
      double done = reads(g, "done");
      sql(g, "alter table policy_book_away rename to policy_book");

      Eventually.until("a read made again, and done", () -> reads(g, "done") > done);
      assertThat(BookPublishTest.personalFen(g)).as("assessed with the activated book").isEqualTo(30000);
    }
  }

  /**
   * An activated book a newer engine no longer reads (a check it did not make when the book was published) is left out,
   * the region served by its other books: and the operators see it on a gauge, not only in the log.
   */
  @Test
  void anActivatedBookThatNoLongerLoadsIsCountedOnAGauge() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      long id = publishRaised(g);
      sql(g, "update policy_book set active_from = '2019-12-15', activated_by = 'admin', activated_at = now() where id = " + id);
      sql(g, "select pg_notify('" + PublishedBooks.CHANNEL + "', '371312')");
      Eventually.until("assessed with the activated book", () -> BookPublishTest.personalFen(g) == 30000);
      assertThat(notServed(g)).isZero();

      // as a later engine would read it: a field it no longer knows
      sql(g, "update policy_book set text = replace(text, 'personal: {yuan: 300', 'personal: {yaun: 300') where id = " + id);
      sql(g, "select pg_notify('" + PublishedBooks.CHANNEL + "', '371312')");
      Eventually.until("the book counted as not served", () -> notServed(g) == 1);
      assertThat(BookPublishTest.personalFen(g)).as("assessed with the configured book").isEqualTo(25000);

      // the alert's advice: the corrected book published and activated; the old row stays activated, replaced
      long corrected = publishRaised(g);
      sql(g, "update policy_book set active_from = '2019-12-15', activated_by = 'admin', activated_at = now() where id = " + corrected);
      sql(g, "select pg_notify('" + PublishedBooks.CHANNEL + "', '371312')");
      Eventually.until("the replaced book no longer counted", () -> notServed(g) == 0);
      assertThat(BookPublishTest.personalFen(g)).isEqualTo(30000);
    }
  }

  /** Publishes 河东's book with the personal amount raised to 300 yuan, not activated: its id. */
  private static long publishRaised(TestGateway g) throws Exception {
    String raised = Files.readString(TestGateway.repo().resolve("config/policies/hedong-2020.yaml"))
        .replace("personal: {yuan: 250", "personal: {yuan: 300");
    HttpResponse<Buffer> up = g.http.post("/api/v1/operator/books?file=hedong-2020-amended.yaml")
        .putHeader("Content-Type", "application/yaml").putHeader("Authorization", "Bearer " + g.adminToken())
        .sendBuffer(Buffer.buffer(raised)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(up.statusCode()).as(up.bodyAsString()).isEqualTo(201);
    return up.bodyAsJsonObject().getLong("id");
  }

  private static double notServed(TestGateway g) throws Exception {
    return g.metrics().lines().filter(l -> l.startsWith("liangxian_policy_books_not_served "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
  }

  private static double reads(TestGateway g, String outcome) throws Exception {
    String prefix = "liangxian_book_reads_total{outcome=\"" + outcome + "\"} ";
    return g.metrics().lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(prefix.length())))
        .findFirst().orElse(0);
  }

  private static void sql(TestGateway g, String statement) throws Exception {
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }
}
