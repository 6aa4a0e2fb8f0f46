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
  private volatile boolean closing;

  public Announcements(Vertx vertx, PgConnectOptions db) {
    this.subscriber = PgSubscriber.subscriber(vertx, db).reconnectPolicy(retries -> 1000L);
    subscriber.closeHandler(v -> {
      if (closing) {
        return; // the gateway is stopping: nothing was lost
      }
      LOG.warn("lost the connection that hears the other instances' announcements; reconnecting");
      onLost.forEach(Runnable::run);
    });
  }

  /** A channel to subscribe to; its subscribe handler runs again after every reconnect. */
  public PgChannel channel(String name) {
    return subscriber.channel(name);
  }

  /** What to do when announcements may have been missed (the connection was lost). */
  public void whenLost(Runnable r) {
    onLost.add(r);
  }

  public Future<Void> connect() {
    return subscriber.connect();
  }

  public Future<Void> close() {
    closing = true;
    return subscriber.close();
  }
}
