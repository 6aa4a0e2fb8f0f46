package cn.liangxian.gateway.roster;

import cn.liangxian.gateway.privacy.PersonalDataCipher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals the masked ID numbers' tails an earlier version kept in clear (V42): a batch of persons at a time, the last four
 * characters of each clear mask sealed ({@link PersonalDataCipher#sealTail}) and starred in the mask (no number is
 * decrypted: the tail is what the mask shows). Run by the sweep, on one instance at a time; each batch is one
 * statement, so the households it touches are bumped once, and it runs only while no roster or department list is
 * being imported ({@link BulkLoad#SEALING}): else it tries again at the next round. A mask whose tail is not what an ID
 * number ends in is kept starred, an empty tail.
 */
public final class ClearIdTails {
  private static final Logger LOG = LoggerFactory.getLogger(ClearIdTails.class);
  /** A clear mask whose tail is what an ID number ends in: three digits, then a digit or X. */
  private static final java.util.regex.Pattern ENDS_AS_ID = java.util.regex.Pattern.compile(".*[0-9]{3}[0-9X]");
  /** Persons sealed a batch at a time, and at most this many batches a round. */
  static final int BATCH = 1000;
  static final int BATCHES_PER_ROUND = 5;

  static final String CLEAR = "select id, id_masked from person where id_tail is null order by id limit $1";
  static final String SEAL = "update person p set id_masked = v.masked, id_tail = v.tail"
      + " from unnest($1::bigint[], $2::text[], $3::bytea[]) as v(id, masked, tail) where p.id = v.id and p.id_tail is null";
  /** Taken by a transaction that writes persons in batches outside an import (gateway keys reseal): imports wait for it. */
  public static final String WAIT_FOR_IMPORTS = BulkLoad.SEALING_WAIT;
  /** Both statements, checked against the schema at start-up. */
  public static final List<String> STATEMENTS = List.of(CLEAR, SEAL, BulkLoad.SEALING);

  private final Vertx vertx;
  private final Pool pool;
  private final PersonalDataCipher cipher;
  /** Sealed by this instance since it last said none was left: said when none is left. */
  private long sealed;

  public ClearIdTails(Vertx vertx, Pool pool, PersonalDataCipher cipher) {
    this.vertx = vertx;
    this.pool = pool;
    this.cipher = cipher;
  }

  /** Up to {@link #BATCHES_PER_ROUND} batches, while each is full; the number of persons sealed. */
  public Future<Integer> sealRound() {
    return sealBatches(BATCHES_PER_ROUND, 0);
  }

  private Future<Integer> sealBatches(int left, int done) {
    return sealBatch().compose(n -> {
      if (n < 0) {
        return Future.succeededFuture(done); // an import is running: the next round
      }
      if (n < BATCH || left <= 1) {
        if (n < BATCH && sealed > 0) {
          LOG.info("sealed the clear tails of {} masked ID numbers; none is left in clear", sealed);
          sealed = 0;
        }
        return Future.succeededFuture(done + n);
      }
      return sealBatches(left - 1, done + n);
    });
  }

  /** One batch: the number of persons sealed (0 once none is left), -1 while an import keeps the sweep out. */
  Future<Integer> sealBatch() {
    // the lock first: while an import runs, nothing is read or sealed in vain
    return pool.withTransaction(c -> c.query(BulkLoad.SEALING).execute().compose(lock -> {
      if (!lock.iterator().next().getBoolean(0)) {
        LOG.debug("ID tail sealing waits for a roster import");
        return Future.succeededFuture(-1);
      }
      return c.preparedQuery(CLEAR).execute(Tuple.of(BATCH)).compose(rows -> rows.size() == 0 ? Future.succeededFuture(0)
          : vertx.executeBlocking(() -> sealed(rows), false).compose(t -> c.preparedQuery(SEAL).execute(t))
              .map(r -> r.rowCount()));
    })).map(n -> {
      sealed += Math.max(0, n);
      return n;
    });
  }

  /** The batch's ids, masks and sealed tails, as the arrays {@link #SEAL} reads. */
  private Tuple sealed(RowSet<Row> rows) {
    Long[] ids = new Long[rows.size()];
    String[] masks = new String[rows.size()];
    Buffer[] tails = new Buffer[rows.size()];
    int i = 0;
    for (Row r : rows) {
      String mask = r.getString("id_masked");
      ids[i] = r.getLong("id");
      masks[i] = PersonalDataCipher.maskedAtRest(mask);
      // shown starred where the mask does not end as an ID number does (see PersonalDataCipher.masked)
      tails[i++] = ENDS_AS_ID.matcher(mask).matches() ? Buffer.buffer(cipher.sealTail(mask)) : Buffer.buffer();
    }
    return Tuple.of(ids, masks, tails);
  }
}
