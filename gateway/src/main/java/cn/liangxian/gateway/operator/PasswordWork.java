package cn.liangxian.gateway.operator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Operators' password checks and hashes, on a bounded pool of their own ({@value #POOL}, {@value #THREADS} threads in
 * the process): Argon2id takes tens of milliseconds and its memory (19 MiB a hash by OWASP's minimum) for each, so a
 * flood of logins waits its turn here, at most two hashes' memory in use at once, instead of filling the Vert.x worker
 * pool that roster imports, bills and receipts share. The waiting logins themselves are bounded upstream: the login
 * limits per address and per account, and admission.
 */
final class PasswordWork {
  static final String POOL = "password-hashing";
  static final int THREADS = 2;

  private final WorkerExecutor pool;

  PasswordWork(Vertx vertx) {
    // shared by name: every verticle's logins and account changes use the one pool
    this.pool = vertx.createSharedWorkerExecutor(POOL, THREADS, 30, TimeUnit.SECONDS);
  }

  /** Runs a check or a hash (or both, one after the other) on the pool; its result comes back on the caller's loop. */
  <T> Future<T> run(Callable<T> work) {
    return pool.executeBlocking(work, false);
  }
}
