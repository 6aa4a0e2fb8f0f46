package cn.liangxian.gateway.support;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Vert.x that is the one it wraps in everything, except that it notes of the work given to its
 * {@code executeBlocking}, or to that of a worker executor it creates ({@code createSharedWorkerExecutor}, as the
 * signing pool is made), what the work returned (or threw), whether it ran on a worker thread and which. A test
 * hands it to the class under test to see that the slow part of a call (a bill parsed, an upload read, a
 * signature checked) ran off the event loop: had it run on the loop, no work of the watch returns its result.
 */
public final class WorkerWatch {
  /** One piece of blocking work: whether it ran on a worker thread, the thread's name, and what it returned or threw. */
  public record Work(boolean onWorker, String thread, Object outcome) {}

  private final Vertx vertx;
  private final List<Work> done = new CopyOnWriteArrayList<>();

  public WorkerWatch(Vertx watched) {
    this.vertx = (Vertx) Proxy.newProxyInstance(Vertx.class.getClassLoader(), new Class<?>[] {Vertx.class}, (proxy, method, args) -> {
      Object[] passed = args;
      if (method.getName().equals("executeBlocking") && args != null && args.length > 0 && args[0] instanceof Callable<?> work) {
        passed = args.clone();
        passed[0] = noted(work);
      }
      Object result = invoke(method, watched, passed);
      return method.getName().equals("createSharedWorkerExecutor") ? watched((WorkerExecutor) result) : result;
    });
  }

  /** A worker executor that is the one it wraps, its work noted as the Vert.x's own. */
  private WorkerExecutor watched(WorkerExecutor executor) {
    return (WorkerExecutor) Proxy.newProxyInstance(WorkerExecutor.class.getClassLoader(), new Class<?>[] {WorkerExecutor.class},
        (proxy, method, args) -> {
          Object[] passed = args;
          if (method.getName().equals("executeBlocking") && args != null && args.length > 0 && args[0] instanceof Callable<?> work) {
            passed = args.clone();
            passed[0] = noted(work);
          }
          return invoke(method, executor, passed);
        });
  }

  private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
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
      String thread = Thread.currentThread().getName();
      try {
        T result = work.call();
        done.add(new Work(onWorker, thread, result));
        return result;
      } catch (Exception e) {
        done.add(new Work(onWorker, thread, e));
        throw e;
      }
    };
  }
}
