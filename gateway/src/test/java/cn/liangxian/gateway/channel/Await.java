package cn.liangxian.gateway.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/** Waiting on a channel call in a test: its result, or the ChannelException it failed with. */
public final class Await {
  private Await() {}

  public static <T> T result(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** The future once it has completed, either way. */
  public static <T> Future<T> settled(Future<T> f) throws Exception {
    f.toCompletionStage().toCompletableFuture().handle((v, t) -> null).get(20, TimeUnit.SECONDS);
    return f;
  }

  public static ChannelException failure(Future<?> f) throws Exception {
    Throwable x = f.toCompletionStage().toCompletableFuture().handle((v, t) -> t).get(20, TimeUnit.SECONDS);
    while (x instanceof CompletionException) {
      x = x.getCause();
    }
    assertThat(x).as("the call fails").isInstanceOf(ChannelException.class);
    return (ChannelException) x;
  }
}
