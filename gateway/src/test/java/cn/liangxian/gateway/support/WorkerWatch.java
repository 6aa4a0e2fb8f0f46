package cn.liangxian.gateway.support;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Vert.x that is the one it wraps in everything, except that it notes of the work given to its
 * {@code executeBlocking} what the work returned (or threw) and whether it ran on a worker thread. A test
 * hands it to the class under test to see that the slow part of a call (a bill parsed, an upload read)
 * ran off the event loop: had it run on the loop, no work of the watch returns its result.
 */
public final class WorkerWatch {
  /** One piece of blocking work: whether it ran on a worker thread, and what it returned or threw. */
  public record Work(boolean onWorker, Object outcome) {}

  private final Vertx vertx;
  private final List<Work> done = new CopyOnWriteArrayList<>();

  public WorkerWatch(Vertx watched) {
    this.vertx = (Vertx) Proxy.newProxyInstance(Vertx.class.getClassLoader(), new Class<?>[] {Vertx.class}, (proxy, method, args) -> {
      Object[] passed = args;
      if (method.getName().equals("executeBlocking") && args != null && args.length > 0 && args[0] instanceof Callable<?> work) {
        passed = args.clone();
        passed[0] = noted(work);
      }
      try {
        return method.invoke(watched, passed);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    });
  }

  /** The Vert.x to give the class under test. */
  public Vertx vertx() {
    return vertx;
  }

  /** The work done so far, in the order it ended. */
  public List<Work> work() {
    return List.copyOf(done);
  }

  private <T> Callable<T> noted(Callable<T> work) {
    return () -> {
      boolean onWorker = Context.isOnWorkerThread();
      try {
        T result = work.call();
        done.add(new Work(onWorker, result));
        return result;
      } catch (Exception e) {
        done.add(new Work(onWorker, e));
        throw e;
      }
    };
  }
}
