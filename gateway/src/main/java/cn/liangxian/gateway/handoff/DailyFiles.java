package cn.liangxian.gateway.handoff;

import cn.liangxian.channel.agency.AgencyEnvelope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * One file per receiver and Beijing day, once the day is over (and ten minutes more, for payments
 * committing across midnight), and a further one of that day for records dated it that come later: a header
 * naming the receiver, the day and the wrapped message key, a CSV row per record, a control line (count, total
 * fen), and a detached signature beside it ({@code .sig}, DER, as {@code openssl dgst -verify} reads it). Written once across instances: the
 * instance that claims the day writes it, in the transaction that marks its records FILED, and moves it in place once that commits.
 * A file holds at most {@code handoff.fileRecords} records: a deadline day of more goes in further files of that day, each
 * in a transaction of its own, so that no instance reads, locks and holds a whole province's day at once.
 */
final class DailyFiles {
  static final Duration GRACE = Duration.ofMinutes(10);
  static final String HEADER = "#LIANGXIAN-HANDOFF";
  static final String CONTROL = "#CONTROL";

  private final Vertx vertx;
  private final HandoffStore store;
  private final ExchangeKeys keys;
  private final ContributionRecord records;
  private final int most;
  private final Clock clock;

  /** {@code most}: the most records a file holds. */
  DailyFiles(Vertx vertx, HandoffStore store, ExchangeKeys keys, ContributionRecord records, int most, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.keys = keys;
    this.records = records;
    this.most = most;
    this.clock = clock;
  }

  /** {@code <receiver>-<day>.csv}; a further file of the same day {@code <receiver>-<day>-<part>.csv}. */
  static String fileName(Receiver r, LocalDate day, int part) {
    return r.name() + "-" + day + (part == 1 ? "" : "-" + part) + ".csv";
  }

  /** Writes every finished day's file of this receiver that no instance has written yet: how many records went out. */
  Future<Integer> writeDue(Receiver r) {
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    OffsetDateTime todayStarts = now.minus(GRACE).atZoneSameInstant(ContributionRecord.BEIJING).toLocalDate()
        .atStartOfDay(ContributionRecord.BEIJING).toOffsetDateTime();
    return placeCommitted(r).compose(x -> store.fileDays(r, todayStarts)).compose(days -> {
      Future<Integer> all = Future.succeededFuture(0);
      for (LocalDate day : days) {
        all = all.compose(n -> writeDay(r, day, now).map(m -> n + m));
      }
      return all;
    });
  }

  /** The day's files, one after the other while each is full: how many records went out. */
  private Future<Integer> writeDay(Receiver r, LocalDate day, OffsetDateTime now) {
    return write(r, day, now).compose(n -> n < most ? Future.succeededFuture(n) : writeDay(r, day, now).map(m -> n + m));
  }

  /** A file written in a transaction that committed: its name and how many records it holds. */
  private record Written(String name, int records) {}

  /**
   * The day's records still waiting, locked, into the day's next file. An instance that comes while another writes the
   * day's file passes the day by ({@link HandoffStore#take}); one that comes after finds the records filed: it writes
   * nothing. Records that reach the outbox after the day's
   * file was written (dated that day) go to a further file of the day, never nowhere. The file is written under a
   * temporary name and moved where the receiver picks it up only once its records are marked filed: a transaction that
   * fails leaves the receiver no file whose records would go out again in the next one.
   */
  private Future<Integer> write(Receiver r, LocalDate day, OffsetDateTime now) {
    return store.pool().withTransaction(conn -> HandoffStore.take(conn, "file/" + r.name(), day).compose(taken -> !taken
        ? Future.succeededFuture(List.<Row>of()) : HandoffStore.fileRecords(conn, r, day, most)).compose(rows -> rows.isEmpty()
        ? Future.succeededFuture((Written) null)
        : HandoffStore.nextPart(conn, r, day).compose(part -> {
          String name = fileName(r, day, part);
          return HandoffStore.claimFile(conn, r, day, part, name, now).compose(mine -> !mine
              ? Future.succeededFuture((Written) null)
              : vertx.executeBlocking(() -> writeFiles(r, day, name, rows), false)
                  .compose(total -> HandoffStore.filed(conn, r, day, part, rows.stream().map(x -> x.getLong("id"))
                      .toArray(Long[]::new), name, total, now))
                  .map(new Written(name, rows.size())));
        })))
        .compose(w -> w == null ? Future.succeededFuture(0)
            : vertx.executeBlocking(() -> place(r, w.name()), false).map(w.records()));
  }

  /**
   * Files whose transaction committed but which are still under their temporary names (the instance that wrote them
   * stopped before moving them): moved in place. A temporary file whose name no committed file has is left alone: it is
   * being written, or its transaction failed and the name's next file replaces it.
   */
  private Future<Void> placeCommitted(Receiver r) {
    return vertx.executeBlocking(() -> {
      if (!Files.isDirectory(r.folder())) {
        return List.<String>of();
      }
      try (var files = Files.list(r.folder())) {
        return files.map(p -> p.getFileName().toString())
            .filter(n -> n.startsWith("." + r.name() + "-") && n.endsWith(".csv.tmp"))
            .map(n -> n.substring(1, n.length() - ".tmp".length())).toList();
      }
    }, false).compose(names -> names.isEmpty() ? Future.succeededFuture() : store.committedFiles(r, names)
        .compose(committed -> vertx.executeBlocking(() -> {
          for (String name : committed) {
            place(r, name);
          }
          return null;
        }, false)));
  }

  /** Moves a file and its signature from their temporary names in place (another instance may have moved them already). */
  private static Void place(Receiver r, String name) throws IOException {
    Path csv = r.folder().resolve(name);
    Path sig = r.folder().resolve(name + ".sig");
    moveIfThere(r.folder().resolve("." + name + ".sig.tmp"), sig);
    moveIfThere(r.folder().resolve("." + name + ".tmp"), csv);
    return null;
  }

  private static void moveIfThere(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      // moved already
    }
  }

  /** Writes the file and its signature under temporary names ({@link #place} moves them in place): the control total. */
  private long writeFiles(Receiver r, LocalDate day, String name, List<Row> rows) throws IOException {
    byte[] key = AgencyEnvelope.newKey();
    StringBuilder out = new StringBuilder();
    out.append(HEADER).append(",1,").append(r.name()).append(',').append(day).append(',')
        .append(AgencyEnvelope.Scheme.ofKey(keys.privateKey()).signature).append(',').append(AgencyEnvelope.wrap(r.key(), key))
        .append('\n').append(String.join(",", ContributionRecord.COLUMNS)).append('\n');
    long total = 0;
    for (Row row : rows) {
      out.append(records.csv(row, key)).append('\n');
      total += ContributionRecord.signedFen(row);
    }
    out.append(CONTROL).append(',').append(rows.size()).append(',').append(total).append('\n');
    byte[] bytes = out.toString().getBytes(r.charset());
    Files.createDirectories(r.folder());
    // on the disk before the transaction that marks the records filed commits: a file moved in place after a power cut
    // must be the whole file its signature signs
    durably(r.folder().resolve("." + name + ".tmp"), bytes);
    durably(r.folder().resolve("." + name + ".sig.tmp"), AgencyEnvelope.signFile(keys.privateKey(), bytes));
    // and their names in the folder: a power cut must not keep the commit and lose the files it speaks of
    try (java.nio.channels.FileChannel folder = java.nio.channels.FileChannel.open(r.folder(), java.nio.file.StandardOpenOption.READ)) {
      folder.force(true);
    } catch (IOException notOnThisSystem) {
      // a system whose folders cannot be opened to be synced (not Linux): the files' own sync is what it has
    }
    return total;
  }

  /** Writes the file and waits until its bytes are on the disk. */
  private static void durably(Path file, byte[] bytes) throws IOException {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
  }
}
