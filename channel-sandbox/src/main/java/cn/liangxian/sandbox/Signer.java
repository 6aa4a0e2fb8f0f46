package cn.liangxian.sandbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;

/**
 * The channels' signatures on their answers and notifications, off the sandbox's event loop: an RSA-2048
 * signature takes about a millisecond, and the loop that also hands out login codes, takes payments and
 * records the ledger would otherwise wait behind each one. Two threads of their own, named apart
 * ({@value #THREADS}-N), so that a profile counts the channels' signatures apart from the gateway's.
 */
public final class Signer {
  public static final String THREADS = "sandbox-signing";
  private static final int SIZE = 2;

  private final WorkerExecutor pool;

  public Signer(Vertx vertx) {
    this.pool = vertx.createSharedWorkerExecutor(THREADS, SIZE);
  }

  /** The signature, computed on the signing threads; the future completes on the caller's context. */
  public Future<String> sign(Callable<String> signature) {
    return pool.executeBlocking(signature, false);
  }

  void close() {
    pool.close();
  }
}
