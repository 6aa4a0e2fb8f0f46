package cn.liangxian.gateway.roster;

import cn.liangxian.gateway.privacy.PersonalDataCipher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals the masked ID numbers' tails an earlier version kept in clear (V42): a batch of persons at a time, each number
 * opened from its SM4-GCM form on a worker and its last four characters sealed beside a mask that stops short of them
 * ({@link PersonalDataCipher#sealTail}). Run by the sweep, on one instance at a time; each batch is one statement, so the
 * households it touches are bumped once. A number that does not open (another key, a changed byte) is logged by its row
 * and kept starred, an empty tail, rather than tried again at every round.
 */
public final class ClearIdTails {
  private static final Logger LOG = LoggerFactory.getLogger(ClearIdTails.class);
  /** Persons sealed a batch at a time, and at most this many batches a round. */
  static final int BATCH = 1000;
  static final int BATCHES_PER_ROUND = 5;

  static final String CLEAR = "select id, id_enc, id_masked from person where id_tail is null order by id limit $1";
  static final String SEAL = "update person p set id_masked = v.masked, id_tail = v.tail"
      + " from unnest($1::bigint[], $2::text[], $3::bytea[]) as v(id, masked, tail) where p.id = v.id and p.id_tail is null";
  /** Both statements, checked against the schema at start-up. */
  public static final List<String> STATEMENTS = List.of(CLEAR, SEAL);

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

  /** One batch: the number of persons sealed (0 once none is left). */
  Future<Integer> sealBatch() {
    return pool.preparedQuery(CLEAR).execute(Tuple.of(BATCH)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(0);
      }
      return vertx.executeBlocking(() -> sealed(rows), false)
          .compose(t -> pool.preparedQuery(SEAL).execute(t)).map(r -> {
            sealed += rows.size();
            return rows.size();
          });
    });
  }

  /** The batch's ids, masks and sealed tails, as the arrays {@link #SEAL} reads. */
  private Tuple sealed(RowSet<Row> rows) {
    Long[] ids = new Long[rows.size()];
    String[] masks = new String[rows.size()];
    Buffer[] tails = new Buffer[rows.size()];
    List<Long> unopened = new ArrayList<>();
    int i = 0;
    for (Row r : rows) {
      ids[i] = r.getLong("id");
      masks[i] = PersonalDataCipher.maskedAtRest(r.getString("id_masked"));
      Buffer tail;
      try {
        tail = Buffer.buffer(cipher.sealTail(cipher.decrypt(r.getBuffer("id_enc").getBytes())));
      } catch (RuntimeException e) {
        unopened.add(ids[i]);
        tail = Buffer.buffer(); // shown starred: see PersonalDataCipher.masked
      }
      tails[i++] = tail;
    }
    if (!unopened.isEmpty()) {
      LOG.warn("{} stored ID numbers do not open with this key (person rows {}): their masks are kept starred",
          unopened.size(), unopened);
    }
    return Tuple.of(ids, masks, tails);
  }
}
