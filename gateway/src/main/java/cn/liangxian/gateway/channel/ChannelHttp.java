package cn.liangxian.gateway.channel;

import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * The HTTP client the gateway speaks to the channels with (payments, logins, bills). Its defaults would
 * serve a whole process's calls to one channel through five connections and queue the rest without limit:
 * at the deadline a slow answer from the channel would then grow a queue of seconds in front of every
 * order and login. Here each host gets enough connections for the peak, the queue for a connection is
 * short (a call beyond it fails at once and the resident is told to try again), and a channel that stops
 * answering fails the call after {@link #SILENCE_SECONDS} instead of holding it.
 */
public final class ChannelHttp {
  /** Connections per channel host and process: a call takes a few milliseconds, so this serves thousands a second. */
  static final int CONNECTIONS_PER_HOST = 64;
  /** Calls waiting for a connection at most; beyond it a call fails at once (the order answers 503). */
  static final int WAITING_AT_MOST = 256;
  /** A channel silent this long on a connection (connecting, or answering) fails the call. */
  static final int SILENCE_SECONDS = 15;

  private ChannelHttp() {}

  public static WebClient client(Vertx vertx) {
    return client(vertx, CONNECTIONS_PER_HOST, WAITING_AT_MOST, SILENCE_SECONDS);
  }

  static WebClient client(Vertx vertx, int connectionsPerHost, int waitingAtMost, int silenceSeconds) {
    return WebClient.create(vertx, options(silenceSeconds), new PoolOptions().setHttp1MaxSize(connectionsPerHost)
        .setMaxWaitQueueSize(waitingAtMost));
  }

  /**
   * A connection left unused in the pool is dropped by the pool (keep-alive timeout) before its own idle timeout
   * closes it: otherwise a call could be given a connection in the very moment its idle timeout closes it, and fail
   * with "Connection was closed" although the channel is fine.
   */
  static WebClientOptions options(int silenceSeconds) {
    return new WebClientOptions().setConnectTimeout(silenceSeconds * 1000).setIdleTimeout(silenceSeconds)
        .setKeepAlive(true).setKeepAliveTimeout(Math.max(1, silenceSeconds * 2 / 3)).setUserAgent("liangxian-gateway");
  }
}
