package cn.liangxian.kiosk.ui;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.kiosk.Await;
import cn.liangxian.kiosk.KioskAgent;
import cn.liangxian.kiosk.KioskOptions;
import cn.liangxian.kiosk.flow.Screen;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's hands on the simulated devices: any resident's card on the reader by query, the printer
 * simulator's receipts as JSON and as a page, and the name keyboard's candidates (GB2312 levels 1 and 2).
 */
class SimulatorsTest {
  @TempDir
  Path dir;
  WireMockServer wm;
  KioskAgent agent;
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (wm != null) {
      wm.stop();
    }
  }

  @Test
  void aCardOfAnyResidentThePrintedReceiptsAndPinyinCandidates() throws Exception {
    wm = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(okJson(TouchUiEndToEndTest.resource("household.json"))));
    Path config = dir.resolve("kiosk.yaml");
    Files.writeString(config, String.join("\n", "kioskId: K-SIM-1",
        "gateway: {url: 'http://127.0.0.1:" + wm.port() + "', timeoutMillis: " + Await.ANSWER_TIMEOUT_MILLIS + "}",
        "keyDir: '" + dir.resolve("keys") + "'", "journal: '" + dir.resolve("journal.log") + "'",
        "ui: {host: 127.0.0.1, port: 0}", "devices: {idcard: {type: simulated}, printer: {type: simulated}}", ""));
    agent = KioskAgent.start(KioskOptions.load(config, Map.of()));
    String ui = "http://127.0.0.1:" + agent.uiPort();

    assertThat(send(ui + "/api/sim/idcard?idNumber=37131219620510849X&name=" + URLEncoder.encode("潘威", StandardCharsets.UTF_8))
        .statusCode()).isEqualTo(204);
    Await.until(() -> agent.flow().screen() == Screen.HOUSEHOLD);
    // a touch with a field of the wrong type, or an action the screen does not know: 400 in plain words, nothing done
    for (String wrong : new String[] {"{\"action\": \"toggle\", \"memberRef\": \"m1\", \"insurance\": \"pension\", \"year\": \"2026\"}",
        "{\"action\": \"elder\", \"on\": \"yes\"}", "{\"action\": 7}", "{\"action\": null}", "{}",
        "{\"action\": \"toggle\", \"memberRef\": \"m1\", \"insurance\": \"pension\", \"tier\": 1.5}",
        "{\"action\": \"typed\", \"idNumber\": 37131219620510849}", "{\"action\": \"fly\"}", "[1]", "not json"}) {
      HttpResponse<String> refused = postJson(ui + "/api/action", wrong);
      assertThat(refused.statusCode()).as(wrong).isEqualTo(400);
      assertThat(new JsonObject(refused.body()).getString("message")).as(wrong).isEqualTo("操作没有成功，请重新点一下");
      assertThat(refused.headers().firstValue("Content-Type")).as(wrong).hasValueSatisfying(t -> assertThat(t)
          .startsWith("application/problem+json"));
      assertThat(new JsonObject(refused.body()).getInteger("status")).as(wrong).isEqualTo(400);
    }
    assertThat(agent.flow().screen()).isEqualTo(Screen.HOUSEHOLD);
    assertThat(new JsonObject(fetch(ui + "/api/state").body()).getBoolean("elder", false)).isFalse();
    // an absent or null switch is off, as the page would mean it
    assertThat(postJson(ui + "/api/action", "{\"action\": \"elder\", \"on\": null}").statusCode()).isEqualTo(200);
    assertThat(new JsonObject(fetch(ui + "/api/state").body()).getBoolean("elder", false)).isFalse();
    assertThat(postJson(ui + "/api/action", "{\"action\": \"elder\", \"on\": true}").statusCode()).isEqualTo(200);
    assertThat(new JsonObject(fetch(ui + "/api/state").body()).getBoolean("elder", false)).isTrue();
    assertThat(postJson(ui + "/api/action", "{\"action\": \"elder\"}").statusCode()).isEqualTo(200);
    assertThat(new JsonObject(fetch(ui + "/api/state").body()).getBoolean("elder", false)).isFalse();
    wm.verify(postRequestedFor(urlPathEqualTo("/api/v1/lookup"))
        .withRequestBody(equalToJson("{\"idNumber\": \"37131219620510849X\", \"name\": \"潘威\"}")));
    // as the README hands the kiosk to the next resident: the session ended, the card taken off and another placed at
    // once, faster than the reader polls: the new card is read, not taken for the one that lay there
    assertThat(postJson(ui + "/api/action", "{\"action\": \"cancel\"}").statusCode()).isEqualTo(200);
    assertThat(agent.flow().screen()).isEqualTo(Screen.IDLE);
    assertThat(send(ui + "/api/sim/idcard?do=remove").statusCode()).isEqualTo(204);
    assertThat(send(ui + "/api/sim/idcard?idNumber=320682197303079099&name=" + URLEncoder.encode("肖宇", StandardCharsets.UTF_8))
        .statusCode()).isEqualTo(204);
    Await.until(() -> agent.flow().screen() == Screen.HOUSEHOLD);
    wm.verify(postRequestedFor(urlPathEqualTo("/api/v1/lookup"))
        .withRequestBody(equalToJson("{\"idNumber\": \"320682197303079099\", \"name\": \"肖宇\"}")));
    assertThat(send(ui + "/api/sim/idcard?do=remove").statusCode()).isEqualTo(204);
    HttpResponse<String> bad = send(ui + "/api/sim/idcard?idNumber=12345&name=x");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("idNumber");

    assertThat(new JsonObject(fetch(ui + "/api/sim/printer").body()).getJsonArray("receipts")).isEmpty();
    assertThat(fetch(ui + "/sim/printer.html").body()).contains("/api/sim/printer");

    JsonObject pan = new JsonObject(fetch(ui + "/api/pinyin?q=pan").body());
    assertThat(pan.getJsonArray("candidates").getList()).contains("潘", "盘", "攀").doesNotContain("张");
    assertThat(new JsonObject(fetch(ui + "/api/pinyin?q=zhang").body()).getJsonArray("candidates").getList()).contains("张", "章", "掌");
    // a reading's start already offers characters, level 1 before level 2
    assertThat(new JsonObject(fetch(ui + "/api/pinyin?q=zh").body()).getJsonArray("candidates").getList()).contains("扎", "渣");
    assertThat(new JsonObject(fetch(ui + "/api/pinyin?q=lv").body()).getJsonArray("candidates").getList()).contains("吕", "绿");
    // names' characters beyond GB2312
    assertThat(new JsonObject(fetch(ui + "/api/pinyin?q=zhe").body()).getJsonArray("candidates").getList()).contains("喆");
    assertThat(new JsonObject(fetch(ui + "/api/pinyin?q=kun").body()).getJsonArray("candidates").getList()).contains("堃");
    assertThat(new JsonObject(fetch(ui + "/api/pinyin?q=yue").body()).getJsonArray("candidates").getList()).contains("玥");
    assertThat(new JsonObject(fetch(ui + "/api/pinyin?q=x1").body()).getJsonArray("candidates")).isEmpty();
  }

  @Test
  void theIndexHoldsGb2312LevelsOneAndTwoAndTheOtherIdeographs() {
    PinyinIndex index = PinyinIndex.build();
    // GB2312's 6,763 and the rest of the basic block pinyin4j reads (喆, 堃, 玥: PinyinIndexTest)
    assertThat(index.characters()).isGreaterThan(20_000);
    // a rare level-2 surname character is there, after the level-1 ones of its reading
    assertThat(index.candidates("yu", 500)).contains("於", "余", "俞");
    assertThat(index.candidates("yu", 500).indexOf("余")).isLessThan(index.candidates("yu", 500).indexOf("於"));
  }

  @Test
  void everyCharacterOfAReadingCanBePickedOnTheNameKeyboard() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      String ui = "http://127.0.0.1:" + new UiServer(vertx, null, null).listen("127.0.0.1", 0).await();
      // names' level-2 characters under readings that more than 60 characters share: the keyboard pages through all
      assertThat(candidates(ui, "yu")).contains("钰", "瑜");
      assertThat(candidates(ui, "yi")).contains("懿", "翊");
      assertThat(candidates(ui, "qi")).contains("琦", "麒");
      assertThat(candidates(ui, "ji")).contains("骥");
      assertThat(candidates(ui, "yu").indexOf("余")).as("level 1 first").isLessThan(candidates(ui, "yu").indexOf("钰"));
    } finally {
      vertx.close().await();
    }
  }

  private java.util.List<Object> candidates(String ui, String pinyin) throws Exception {
    return new JsonObject(fetch(ui + "/api/pinyin?q=" + pinyin).body()).getJsonArray("candidates").getList();
  }

  private HttpResponse<String> send(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postJson(String url, String json) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> fetch(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
