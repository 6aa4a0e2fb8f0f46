package cn.liangxian.loadtest;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * The HTTP baseline: a Vert.x server that answers every request with a small JSON body, deployed as the
 * gateway deploys its own (one verticle per core). Whatever it sustains on this machine is the most any
 * Vert.x service could; the gateway is reported as a share of it.
 *
 * <pre>java -cp loadtest.jar cn.liangxian.loadtest.TrivialServer [port]</pre>
 */
public final class TrivialServer extends AbstractVerticle {
  private static final Buffer BODY = Buffer.buffer("{\"status\":\"UP\"}");
  private final int port;

  TrivialServer(int port) {
    this.port = port;
  }

  @Override
  public void start() {
    vertx.createHttpServer()
        .requestHandler(req -> req.response().putHeader("Content-Type", "application/json").end(BODY))
        .listen(port, "127.0.0.1");
  }

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 18280;
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new TrivialServer(port),
            new DeploymentOptions().setInstances(Math.max(1, Runtime.getRuntime().availableProcessors())))
        .onSuccess(id -> System.out.println("trivial server on http://127.0.0.1:" + port))
        .onFailure(e -> {
          System.err.println("trivial server: " + e.getMessage());
          System.exit(1);
        });
  }
}
