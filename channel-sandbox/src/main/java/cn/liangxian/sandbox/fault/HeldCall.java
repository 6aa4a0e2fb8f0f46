package cn.liangxian.sandbox.fault;

import java.util.concurrent.CompletableFuture;

/**
 * The next API call of a kind, taken and not answered until released: a channel still working on a call while
 * the caller does something else meanwhile. Any thread.
 */
public final class HeldCall {
  private final String call;
  private final CompletableFuture<Void> arrived = new CompletableFuture<>();
  private final CompletableFuture<Void> released = new CompletableFuture<>();

  HeldCall(String call) {
    this.call = call;
  }

  boolean holds(String methodAndPath) {
    return methodAndPath.startsWith(call);
  }

  void arrive(Runnable answer) {
    arrived.complete(null);
    released.thenRun(answer);
  }

  /** Completes when the call has come in and is being held. */
  public CompletableFuture<Void> arrived() {
    return arrived;
  }

  /** Lets the call be answered as usual (at once, if it has not come in yet). */
  public void release() {
    released.complete(null);
  }
}
