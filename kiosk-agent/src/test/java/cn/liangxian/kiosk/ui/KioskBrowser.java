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

/**
 * Headless Chromium on the touch UI, driven by touches over the DevTools protocol. A test's screen is a tab of its own in a
 * browser context of its own (its own storage and cookies, as an incognito window), in the one Chromium this JVM starts
 * for its screen tests: a launch is a handful of processes, which a busy machine makes slowly, and a test started one
 * for itself.
 */
final class KioskBrowser implements AutoCloseable {

  static final Path SHOTS = Path.of("target", "e2e-screenshots");

  /** The JVM's Chromium, started by the first screen and stopped at exit. */
  private record Chromium(Process process, int port) {}

  private static Chromium chromium;

  private final Vertx vertx = Vertx.vertx();
  /** The browser's own DevTools connection, which made this screen's context and closes it. */
  private final Cdp browser;
  private final String context;
  final Cdp page;
  /** Touches given since the last {@link #countFromHere()}. */
  int touches;

  KioskBrowser() throws Exception {
    Files.createDirectories(SHOTS);
    Chromium c = chromium();
    Cdp b = null;
    String made = null;
    try {
      b = connect(new JsonObject(get(c.port(), "/json/version")).getString("webSocketDebuggerUrl"));
      made = b.send("Target.createBrowserContext", new JsonObject()).getString("browserContextId");
      String target = b.send("Target.createTarget", new JsonObject().put("url", "about:blank").put("browserContextId", made))
          .getString("targetId");
      page = connect("ws://127.0.0.1:" + c.port() + "/devtools/page/" + target);
      page.send("Page.enable", new JsonObject());
      page.send("Runtime.enable", new JsonObject());
    } catch (Exception | AssertionError e) {
      // never a context left open in the browser after a test that could not start its screen
      try {
        if (b != null) {
          if (made != null) {
            b.send("Target.disposeBrowserContext", new JsonObject().put("browserContextId", made));
          }
          b.close();
        }
      } catch (Exception | AssertionError closing) {
        e.addSuppressed(closing);
      } finally {
        vertx.close();
      }
      throw e;
    }
    browser = b;
    context = made;
  }

  /** The JVM's Chromium, started now if it is not running. */
  private static synchronized Chromium chromium() throws Exception {
    if (chromium != null && chromium.process().isAlive()) {
      return chromium;
    }
    Path dir = Files.createTempDirectory("kiosk-chromium-");
    Path profile = dir.resolve("profile");
    Files.createDirectories(profile);
    Process p = new ProcessBuilder(TouchUiEndToEndTest.chromiumBinary().toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-port=0",
        "--remote-allow-origins=*", "--lang=zh-CN", "--hide-scrollbars", "about:blank")
        .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // never a browser left running after the tests: its own processes (renderers, the GPU and zygote helpers,
      // crashpad) stopped with it, taken while they are still its descendants
      java.util.List<ProcessHandle> all = new java.util.ArrayList<>(p.descendants().toList());
      all.add(p.toHandle());
      all.forEach(ProcessHandle::destroyForcibly);
      try {
        for (ProcessHandle h : all) {
          h.onExit().get(10, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(dir)) {
          for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(f);
          }
        }
      } catch (Exception e) {
        System.err.println("the screen tests' Chromium folder " + dir + " not removed: " + e.getMessage());
      }
    }));
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      waitFor(() -> Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2);
      chromium = new Chromium(p, Integer.parseInt(Files.readAllLines(portFile).get(0).trim()));
      return chromium;
    } catch (Exception | AssertionError e) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static String get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /**
   * A DevTools connection (the browser's or a tab's). A loaded machine may still be bringing the target up, or close the
   * first handshake while it does: connected again until it holds, and what it saw instead is said if it never does.
   */
  private Cdp connect(String webSocketUrl) throws Exception {
    Cdp[] connected = new Cdp[1];
    Exception[] last = new Exception[1];
    Await.until(() -> {
      try {
        connected[0] = Cdp.connect(vertx, webSocketUrl);
        return true;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        last[0] = e;
        return false;
      }
    }, () -> "connecting to Chromium's DevTools at " + webSocketUrl + ": " + last[0]);
    return connected[0];
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
    try {
      page.close();
    } finally {
      try {
        // the tab and everything it kept go with its context; the browser serves the next test
        browser.send("Target.disposeBrowserContext", new JsonObject().put("browserContextId", context));
        browser.close();
      } finally {
        vertx.close();
      }
    }
  }
}
