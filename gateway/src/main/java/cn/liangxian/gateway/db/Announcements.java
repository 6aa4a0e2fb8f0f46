package cn.liangxian.gateway.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgChannel;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway instances on one database tell each other ({@code pg_notify} inside the transaction
 * that made the change): one LISTEN connection per process for every channel, reconnected when lost.
 */
public final class Announcements {
  private static final Logger LOG = LoggerFactory.getLogger(Announcements.class);

  private final PgSubscriber subscriber;
  private final List<Runnable> onLost = new CopyOnWriteArrayList<>();

  public Announcements(Vertx vertx, PgConnectOptions db) {
    // the subscriber tries again forever and never reports the loss (its close handler runs only once it gives up):
    // its first try again is the loss; what was missed is made good by each channel's subscribe handler, run once it is back
    this.subscriber = PgSubscriber.subscriber(vertx, db).reconnectPolicy(retries -> {
      if (retries == 0) {
        LOG.warn("lost the connection that hears the other instances' announcements; reconnecting");
        onLost.forEach(Runnable::run);
      }
      return 1000L;
    });
  }

  /** What to do as soon as the connection is lost: until it is back, nothing announced is heard. */
  public void whenLost(Runnable r) {
    onLost.add(r);
  }

  /** A channel to subscribe to; its subscribe handler runs again after every reconnect. */
  public PgChannel channel(String name) {
    return subscriber.channel(name);
  }

  public Future<Void> connect() {
    return subscriber.connect();
  }

  public Future<Void> close() {
    return subscriber.close();
  }
}
