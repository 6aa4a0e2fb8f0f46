package cn.liangxian.gateway.channel;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The bounded pool (a named Vert.x worker executor) on which every signature, verification and
 * notification decryption for the payment channels runs, and every kiosk request's signature check: an RSA
 * signature costs about a millisecond of CPU, and on an event loop a burst of orders would stall every
 * lookup queued behind it. Its results
 * come back on the caller's event loop. Timed per operation as the gateway's own work (the sandbox's
 * signatures, in demo mode, run on its own Vert.x and are not counted here).
 */
public final class Signing implements AutoCloseable {
  public static final String POOL_NAME = "channel-signing";

  private final WorkerExecutor pool;
  private final Timer signs;
  private final Timer verifies;
  private final Timer decrypts;
  private final Timer kioskVerifies;

  private Signing(WorkerExecutor pool, MeterRegistry registry) {
    this.pool = pool;
    this.signs = timer(registry, "sign");
    this.verifies = timer(registry, "verify");
    this.decrypts = timer(registry, "verify-and-decrypt");
    this.kioskVerifies = timer(registry, "kiosk-verify");
  }

  /** A pool of {@code threads} threads named {@value #POOL_NAME} on this Vert.x (one per process). */
  public static Signing create(Vertx vertx, int threads, MeterRegistry registry) {
    // a signature never takes a second: a worker stuck for 10 s is worth a warning in the log
    return new Signing(vertx.createSharedWorkerExecutor(POOL_NAME, threads, 10, TimeUnit.SECONDS), registry);
  }

  private static Timer timer(MeterRegistry registry, String operation) {
    return Timer.builder("liangxian_channel_crypto").description("the gateway's own signatures, verifications and"
        + " notification decryptions for the payment channels, and its checks of kiosks' request signatures, on the signing pool").tag("operation", operation)
        .register(registry);
  }

  /** Signs a request (or the parameters a payer's app signs with). */
  public <T> Future<T> sign(Callable<T> work) {
    return run(signs, work);
  }

  /** Verifies an answer's signature. */
  public <T> Future<T> verify(Callable<T> work) {
    return run(verifies, work);
  }

  /** Verifies a notification and decrypts what it carries. */
  public <T> Future<T> verifyAndDecrypt(Callable<T> work) {
    return run(decrypts, work);
  }

  /** Checks a kiosk request's signature (with the kiosk's key read from its PEM first, when it was not kept). */
  public <T> Future<T> verifyKiosk(Callable<T> work) {
    return run(kioskVerifies, work);
  }

  private <T> Future<T> run(Timer timer, Callable<T> work) {
    // unordered: independent signatures use every thread of the pool
    return pool.executeBlocking(() -> timer.recordCallable(work), false);
  }

  @Override
  public void close() {
    pool.close();
  }
}
