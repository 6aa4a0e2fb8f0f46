package cn.liangxian.gateway.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgChannel;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway instances on one database tell each other ({@code pg_notify} inside the transaction
 * that made the change): one LISTEN connection per process for every channel, reconnected when lost.
 */
public final class Announcements {
  private static final Logger LOG = LoggerFactory.getLogger(Announcements.class);

  private final PgSubscriber subscriber;

  public Announcements(Vertx vertx, PgConnectOptions db) {
    // the subscriber tries again forever and never reports the loss (its close handler runs only once it gives up):
    // what a lost connection may have missed is made good by each channel's subscribe handler, run again once it is back
    this.subscriber = PgSubscriber.subscriber(vertx, db).reconnectPolicy(retries -> {
      if (retries == 0) {
        LOG.warn("lost the connection that hears the other instances' announcements; reconnecting");
      }
      return 1000L;
    });
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
