package cn.liangxian.kiosk.ui;

import cn.liangxian.kiosk.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Headless Chromium on the touch UI, driven by touches over the DevTools protocol. */
final class KioskBrowser implements AutoCloseable {

  static final Path SHOTS = Path.of("target", "e2e-screenshots");

  private final Process chromium;
  private final Vertx vertx = Vertx.vertx();
  final Cdp page;
  /** Touches given since the last {@link #countFromHere()}. */
  int touches;

  KioskBrowser(Path dir) throws Exception {
    Path profile = dir.resolve("chromium-profile");
    Files.createDirectories(profile);
    Files.createDirectories(SHOTS);
    chromium = new ProcessBuilder(TouchUiEndToEndTest.chromiumBinary().toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-port=0",
        "--remote-allow-origins=*", "--lang=zh-CN", "--hide-scrollbars", "about:blank")
        .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
    Path portFile = profile.resolve("DevToolsActivePort");
    waitFor(() -> Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2);
    int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
    // a loaded machine may still be bringing the page target up: list and connect again until it answers
    Cdp connected = null;
    Exception last = null;
    long end = System.nanoTime() + Await.LIMIT.toNanos();
    while (connected == null && System.nanoTime() - end < 0) {
      try {
        JsonArray targets = new JsonArray(HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
            HttpResponse.BodyHandlers.ofString()).body());
        String ws = targets.stream().map(JsonObject.class::cast).filter(t -> "page".equals(t.getString("type")))
            .findFirst().orElseThrow().getString("webSocketDebuggerUrl");
        connected = Cdp.connect(vertx, ws);
      } catch (Exception e) {
        last = e;
        Thread.sleep(300); // a retry step; the deadline above bounds the wait
      }
    }
    if (connected == null) {
      throw last;
    }
    page = connected;
    page.send("Page.enable", new JsonObject());
    page.send("Runtime.enable", new JsonObject());
  }

  void viewport(int w, int h) throws Exception {
    page.send("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", w).put("height", h)
        .put("deviceScaleFactor", 1).put("mobile", false));
  }

  void navigate(String url) throws Exception {
    page.send("Page.navigate", new JsonObject().put("url", url));
  }

  void waitScreen(String screen) throws Exception {
    waitFor(() -> screen.equals(page.eval("(document.querySelector('#screen') || {dataset: {}}).dataset.screen")));
  }

  String text(String selector) throws Exception {
    Object t = page.eval("(document.querySelector(\"" + selector + "\") || {}).innerText");
    return t == null ? "" : t.toString();
  }

  /** A press and release at the element's centre, as a finger gives. */
  void touch(String selector) throws Exception {
    waitFor(() -> Boolean.TRUE.equals(page.eval("(() => { const e = document.querySelector(\"" + selector
        + "\"); return !!e && !e.disabled && e.offsetParent !== null; })()")));
    JsonObject r = new JsonObject((String) page.eval("JSON.stringify((() => { const e = document.querySelector(\"" + selector
        + "\"); e.scrollIntoView({block: 'center'}); const b = e.getBoundingClientRect(); return {x: b.x + b.width / 2, y: b.y + b.height / 2}; })())"));
    touches++;
    for (String type : List.of("mousePressed", "mouseReleased")) {
      page.send("Input.dispatchMouseEvent", new JsonObject().put("type", type).put("x", r.getDouble("x"))
          .put("y", r.getDouble("y")).put("button", "left").put("clickCount", 1));
    }
  }

  void countFromHere() {
    touches = 0;
  }

  /**
   * The labels on screen that a line break or the edge cuts: the text of a visible button or heading laid out on
   * more than one line, or wider than its box.
   */
  @SuppressWarnings("unchecked")
  List<Object> brokenLabels() throws Exception {
    Object r = page.eval("JSON.stringify([...document.querySelectorAll('button, h1, h2, .big, .badge, .total, .error, .hint')]"
        + ".filter(e => e.offsetParent !== null && e.innerText.trim()).filter(e => {"
        + " const w = document.createTreeWalker(e, NodeFilter.SHOW_TEXT); let n, broken = false;"
        + " while ((n = w.nextNode())) { if (!n.textContent.trim()) continue; const range = document.createRange();"
        + " range.selectNodeContents(n); const tops = new Set([...range.getClientRects()].filter(r => r.width > 1)"
        + ".map(r => Math.round(r.top))); if (tops.size > 1) broken = true; }"
        + " return broken || e.scrollWidth > e.clientWidth + 1; }).map(e => e.innerText))");
    return new JsonArray((String) r).getList();
  }

  void shot(String name) throws Exception {
    // two frames: what the test just read from the page has been painted
    page.eval("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))");
    JsonObject r = page.send("Page.captureScreenshot", new JsonObject().put("format", "png"));
    Files.write(SHOTS.resolve(name + ".png"), Base64.getDecoder().decode(r.getString("data")));
  }

  static void waitFor(Callable<Boolean> c) throws Exception {
    Await.until(c);
  }

  @Override
  public void close() throws Exception {
    page.close();
    // Chromium's own processes (renderers, the GPU and zygote helpers, crashpad) stopped with it, and waited for: one left
    // writing into the profile after the browser is gone fails the test folder's removal. Taken before the browser stops,
    // when they are still its descendants
    java.util.List<ProcessHandle> all = new java.util.ArrayList<>(chromium.descendants().toList());
    all.add(chromium.toHandle());
    all.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : all) {
      p.onExit().get(10, TimeUnit.SECONDS);
    }
    vertx.close();
  }
}
