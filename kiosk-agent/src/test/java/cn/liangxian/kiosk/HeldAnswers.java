package cn.liangxian.kiosk;

/** Holds the answer to one request (method and path) until the test lets it go. */
public final class HeldAnswers implements com.github.tomakehurst.wiremock.extension.ServeEventListener {
  private volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(0);
  private final java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
  private volatile String held = "";
  private final String name;

  public HeldAnswers() {
    this("held-answers");
  }

  /** Another name, for a second request held at the same time (each extension of a server has its own). */
  public HeldAnswers(String name) {
    this.name = name;
  }

  public void hold(String method, String path) {
    held = method + " " + path;
    gate = new java.util.concurrent.CountDownLatch(1);
  }

  public void release() {
    gate.countDown();
  }

  public void awaitArrived() throws InterruptedException {
    org.assertj.core.api.Assertions.assertThat(arrived.await(Await.LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
  }

  @Override
  public void beforeResponseSent(com.github.tomakehurst.wiremock.stubbing.ServeEvent e,
      com.github.tomakehurst.wiremock.extension.Parameters p) {
    if ((e.getRequest().getMethod().value() + " " + e.getRequest().getUrl()).equals(held)) {
      arrived.countDown();
      try {
        gate.await(Await.LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException x) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean applyGlobally() {
    return true;
  }

  @Override
  public String getName() {
    return name;
  }
}

