package cn.liangxian.gateway.demo;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.fault.SandboxFaults;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The phone demo (the mini-program's pages) in a real browser at a phone's size, as residents use it. */
class PhoneDemoTest {
  @TempDir
  Path dir;
  TestGateway g;
  PhoneBrowser phone;

  @BeforeEach
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
    phone = new PhoneBrowser();
    phone.open("http://127.0.0.1:" + g.gateway.httpPort() + "/demo/");
  }

  @AfterEach
  void stop() throws Exception {
    try {
      phone.close();
    } finally {
      g.gateway.demo().sandbox().faults(SandboxFaults.NONE);
      g.close(); // whatever the browser answered
    }
  }

  private void lookUpZhang() throws Exception {
    lookUp(Fixture.ZHANG, "张三");
  }

  private void lookUp(String id, String name) throws Exception {
    phone.type("#id", id);
    phone.type("#name", name);
    phone.tap("#lookup");
    phone.waitVisible("#family");
  }

  private double fontSize(String selector) throws Exception {
    return Double.parseDouble(String.valueOf(phone.page.eval(
        "parseFloat(getComputedStyle(document.querySelector(\"" + selector + "\")).fontSize)")));
  }

  /** An order made elsewhere (a kiosk, another phone) for members' items of one insurance, as the gateway answers it. */
  private JsonObject orderElsewhere(JsonObject household, String insurance, String... ids) throws Exception {
    JsonArray items = new JsonArray();
    for (String id : ids) {
      items.add(new JsonObject().put("memberRef", TestGateway.ref(household, id)).put("insurance", insurance).put("year", 2020));
    }
    HttpResponse<Buffer> r = g.post("/api/v1/orders", new JsonObject().put("householdRef", household.getJsonObject("household")
        .getString("ref")).put("channel", "wechat").put("mode", "qr").put("items", items),
        "Idempotency-Key", UUID.randomUUID().toString());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  private String color(String selector) throws Exception {
    return String.valueOf(phone.page.eval("getComputedStyle(document.querySelector(\"" + selector + "\")).color"));
  }

  /** When a hold ends, as the page says it: in Beijing time, the minute it is over. */
  private static String beijing(String instant) {
    java.time.Instant t = java.time.OffsetDateTime.parse(instant).toInstant();
    java.time.Instant minute = t.truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    java.time.ZonedDateTime at = (minute.equals(t) ? minute : minute.plusSeconds(60)).atZone(java.time.ZoneId.of("Asia/Shanghai"));
    return at.getHour() + "点" + String.format("%02d", at.getMinute()) + "分";
  }

  /**
   * Items a payment started elsewhere (another phone, a kiosk) holds: the page says, in a warning colour and never
   * the green of paid, to finish it there, or when they may be paid here (the hold's end in Beijing time); a household
   * all of whose items are held is never told it has nothing to pay, and is offered nothing to pay meanwhile.
   */
  @Test
  void itemsHeldByAPaymentStartedElsewhereSayWhereToFinishItAndWhenTheyAreFree() throws Exception {
    // the family's medical in an order made elsewhere; their pensions may still be paid here
    JsonObject o = orderElsewhere(g.lookup(Fixture.ZHANG, "张三"), "medical", Fixture.ZHANG, Fixture.LI, Fixture.CHILD);
    // a phone whose own clock is years ahead: the page goes by the gateway's (its answers' Date header)
    phoneClockAt(java.time.Instant.parse("2031-06-01T00:00:00Z"));
    lookUpZhang();
    assertThat(phone.text("#held")).isEqualTo("有一笔缴费还没有付款完成（可能在另一部手机或缴费机上），请在那里付完；如果不付，"
        + beijing(o.getString("expiresAt")) + "后可以重新缴费");
    assertThat(fontSize("#held")).isGreaterThanOrEqualTo(20);
    assertThat(phone.visible("#pay")).as("the pensions may still be paid").isTrue();
    String paid = "rgb(6, 122, 60)";
    assertThat(color("#held")).isNotEqualTo(paid);
    assertThat(color("#members .status.in-progress")).isNotEqualTo(paid).isEqualTo(color("#held"));

    JsonObject chen = orderElsewhere(g.lookup(Fixture.CHEN, "陈一"), "medical", Fixture.CHEN);
    phone.tap("#back");
    phone.waitVisible("#find");
    lookUp(Fixture.CHEN, "陈一");
    Eventually.until("陈一's household", () -> phone.text("#place").contains("如皋"));
    // the region's name is already the township's: said once
    assertThat(phone.text("#place")).contains("如城街道").doesNotContain("如城街道 如城街道");
    assertThat(phone.text("#held")).isEqualTo("有一笔缴费还没有付款完成（可能在另一部手机或缴费机上），请在那里付完；如果不付，"
        + beijing(chen.getString("expiresAt")) + "后可以重新缴费");
    assertThat(phone.text("#family")).doesNotContain("没有需要缴费");
    for (String control : List.of("#payAll", "#pay", "#channels")) {
      assertThat(phone.visible(control)).as(control).isFalse();
    }

    // a hold's end the gateway's clock has passed, its items not freed yet (the gateway's sweep frees them seconds
    // later, so the page is asked directly): no time already missed, though the phone's clock is years behind. The
    // lookup first lets the page hear the gateway's time with the phone's clock so far behind; by either clock that
    // hold still runs, so what it shows is the same either way
    phoneClockAt(java.time.Instant.parse("2001-01-01T00:00:00Z"));
    phone.tap("#back");
    phone.waitVisible("#find");
    lookUp(Fixture.CHEN, "陈一");
    Eventually.until("陈一's household", () -> phone.text("#place").contains("如皋"));
    assertThat(phone.text("#held")).as("a hold the gateway's clock has not reached").endsWith(
        beijing(chen.getString("expiresAt")) + "后可以重新缴费");
    assertThat(phone.page.eval("heldText([{heldUntil: '" + g.clock.instant().minusSeconds(20) + "'}])"))
        .isEqualTo("有一笔缴费还没有付款完成（可能在另一部手机或缴费机上），请在那里付完；如果不付，稍等一两分钟可以重新缴费");
  }

  /** The page's Date.now() held at that instant: a phone whose own clock says so, whatever the gateway's says. */
  private void phoneClockAt(java.time.Instant now) throws Exception {
    phone.page.eval("(() => { Date.now = () => " + now.toEpochMilli() + "; return true; })()");
  }

  /**
   * A child too young for the pension reads 暂不能参保 and why, in neutral grey: not "不在此缴费", and not in the red
   * of an error; an item an agency says need not be paid reads 无需缴费.
   */
  @Test
  void anItemNotToBePaidHereSaysWhyInNeutralWords() throws Exception {
    lookUpZhang();
    assertThat(phone.text("#members")).doesNotContain("不在此缴费");
    assertThat(phone.text("#members .status.not-eligible")).isEqualTo("暂不能参保");
    assertThat(phone.text("#members .cell.why")).startsWith("须年满16周岁才能参保");
    String grey = color("#members .status.not-eligible");
    assertThat(grey).isEqualTo("rgb(85, 85, 85)");
    assertThat(color("#members .cell.why .cell-bd")).isEqualTo(grey);
    // the words are the gateway's, decided once for every screen (HouseholdAssessor.Item.statusText); an answer without
    // them reads as its status
    assertThat(phone.page.eval("statusText({status: 'not-eligible', statusText: '无需缴费', reason: '经办机构告知此人已身故，不需要缴费'})"))
        .isEqualTo("无需缴费");
    assertThat(phone.page.eval("statusText({status: 'paid'})")).isEqualTo("已缴费");
    assertThat(phone.page.eval("statusText({status: 'paid', statusText: 'paid'})")).as("words a resident cannot read are not shown")
        .isEqualTo("已缴费");
    assertThat(phone.page.eval("statusText({status: 'no-such-status'})")).isEqualTo("暂不能缴费");
  }

  /**
   * Money reads as the kiosk says it, 250.00元, never ¥250.00; a tier's subsidy is said only where there is one (冷水滩's
   * pension tiers have none: no 补贴0.00元).
   */
  @Test
  void moneyReadsInYuanAndASubsidyOfNothingIsNotSaid() throws Exception {
    lookUpZhang();
    assertThat(String.valueOf(phone.page.eval("document.body.innerText"))).doesNotContain("¥");
    assertThat(phone.text("#members")).contains("250.00元").contains("300元档 · 补贴30.00元");
    assertThat(phone.text("#total")).matches("[0-9]+\\.[0-9]{2}元");
    assertThat(phone.text("#payAll")).matches("全家缴费 [0-9]+\\.[0-9]{2}元");
    phone.tap("#pay");
    phone.waitVisible("#confirmPay");
    assertThat(phone.text("#sheetAmount")).isEqualTo(phone.text("#total")).endsWith("元");

    phone.open("http://127.0.0.1:" + g.gateway.httpPort() + "/demo/");
    lookUp(Fixture.LIU1, "刘一");
    assertThat(phone.text("#members")).contains("100元档").doesNotContain("补贴0.00元");
    phone.tap("[data-tier-for]");
    assertThat(Eventually.until("the tier sheet", () -> phone.text("#tierSheet"), t -> t.contains("元档")))
        .contains("个人缴100.00元").doesNotContain("补贴");

    // in 长辈模式's large type a tier and what it costs are each on one line (not 300元 / 档, 补贴80.00 / 元)
    phone.open("http://127.0.0.1:" + g.gateway.httpPort() + "/demo/");
    phone.page.eval("elder(true)");
    lookUpZhang();
    phone.tap("[data-tier-for]");
    Eventually.until("the tier sheet", () -> phone.text("#tierSheet"), t -> t.contains("补贴"));
    assertThat(phone.page.eval("JSON.stringify([...document.querySelectorAll('#tierSheet .sheet-cell span')].filter(e => {"
        + " const r = document.createRange(); r.selectNodeContents(e);"
        + " return new Set([...r.getClientRects()].filter(x => x.width > 1).map(x => Math.round(x.top))).size > 1;"
        + " }).map(e => e.innerText))")).asString().isEqualTo("[]");
    phone.page.eval("elder(false)");
  }

  /**
   * A household with nothing to pay is told so in large type, and offered nothing to pay: no 全家缴费 ¥0.00, no
   * 合计 with 去支付, no choice of channel.
   */
  @Test
  void nothingOwedIsSaidInLargeTypeWithNoPayControls() throws Exception {
    JsonObject o = orderElsewhere(g.lookup(Fixture.CHEN, "陈一"), "medical", Fixture.CHEN);
    g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    g.awaitState(o.getString("id"), "PAID");
    lookUp(Fixture.CHEN, "陈一");
    assertThat(phone.visible("#done")).isTrue();
    assertThat(phone.text("#done")).isEqualTo("您家本年度没有需要缴费的项目");
    assertThat(fontSize("#done")).isGreaterThanOrEqualTo(20);
    for (String control : List.of("#payAll", "#pay", "#total", "#channels")) {
      assertThat(phone.visible(control)).as(control).isFalse();
    }
    assertThat(phone.text("#family")).doesNotContain("0.00").doesNotContain("支付方式");

    // in 长辈模式's large type (its switch is on the first page) no line of it holds a lone character
    phone.page.eval("elder(true)");
    assertThat(phone.page.eval("(() => { const t = document.getElementById('done').firstChild, tops = new Map();"
        + " for (let i = 0; i < t.length; i++) { const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + 1);"
        + " const y = Math.round(r.getBoundingClientRect().top); tops.set(y, (tops.get(y) || 0) + 1); }"
        + " return Math.min(...tops.values()); })()")).asString().satisfies(n -> assertThat(Integer.parseInt(n)).isGreaterThan(1));
    phone.page.eval("elder(false)");
  }

  /** 合计 is in red only when there is a sum to pay: with nothing picked it is grey. */
  @Test
  void theTotalIsRedOnlyWhenThereIsSomethingToPay() throws Exception {
    lookUpZhang();
    String red = "rgb(198, 40, 40)";
    assertThat(phone.text("#total")).isNotEqualTo("0.00元");
    assertThat(phone.page.eval("getComputedStyle(document.getElementById('total')).color")).asString().isEqualTo(red);
    phone.page.eval("[...document.querySelectorAll('#members input.switch')].filter(s => s.checked).forEach(s => s.click())");
    Eventually.until("nothing picked", () -> phone.text("#total"), t -> t.equals("0.00元"));
    assertThat(phone.page.eval("getComputedStyle(document.getElementById('total')).color")).asString().isNotEqualTo(red);
    // a pension picked alone is not said to be the whole family's medical, picked for everyone; a medical picked is
    phone.page.eval("document.querySelector('#members input.switch[data-insurance=\"pension\"]').click()");
    Eventually.until("a pension picked", () -> phone.text("#total"), t -> !t.equals("0.00元"));
    assertThat(phone.text("#rule")).isEmpty();
    phone.page.eval("document.querySelector('#members input.switch[data-insurance=\"medical\"]').click()");
    Eventually.until("the whole family's medical picked", () -> phone.text("#rule"), t -> t.equals("本地医疗保险须全家一起缴，已为您全部选上"));
  }

  /**
   * Once the channel has taken the money the resident waits on the result page while the gateway hears of it:
   * not back on the family page, where 继续支付 would say 没有扣款 of a payment made and 取消订单 is offered.
   */
  @Test
  void aPaymentMadeWaitsForItsResultAndIsNeverOfferedAgain() throws Exception {
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false)); // the channel's notification does not come
    lookUpZhang();
    phone.tap("#pay");
    phone.tap("#confirmPay");
    phone.waitVisible("#result");
    assertThat(phone.text("#resultTitle")).contains("正在确认");
    assertThat(phone.text("#result")).doesNotContain("没有扣款").doesNotContain("凭证号");
    assertThat(phone.visible("#pay")).isFalse();
    assertThat(phone.visible("#resultCancel")).as("the channel said it took the money: no cancel offered").isFalse();
  }

  /**
   * An order placed, its pay sheet closed, ‹ and 查询 again: the household's order still holds its items, so it is
   * offered again (继续支付, 取消订单), never 付款未完成 with nothing to do until it expires.
   */
  @Test
  void anOrderLeftOpenIsOfferedAgainWhenTheHouseholdIsLookedUpAgain() throws Exception {
    lookUpZhang();
    String total = phone.text("#total");
    phone.tap("#pay");
    phone.waitVisible("#confirmPay");
    phone.tapAt(195, 60); // the dimmed page above the sheet
    Eventually.until("the pay sheet closed", () -> Boolean.TRUE.equals(phone.page.eval(
        "document.getElementById('paySheet').classList.contains('hidden')")));
    phone.tap("#back");
    phone.waitVisible("#find");
    phone.tap("#lookup");
    phone.waitVisible("#family");
    Eventually.until("the open order offered", () -> phone.text("#pay").equals("继续支付"));
    assertThat(phone.text("#payAll")).isEqualTo("取消订单");
    // with until when it takes a payment, in Beijing time: its code ends half a minute before the order
    String expiresAt = String.valueOf(phone.page.eval("order.expiresAt"));
    java.time.ZonedDateTime codeEnds = java.time.OffsetDateTime.parse(expiresAt).minusSeconds(30)
        .atZoneSameInstant(java.time.ZoneId.of("Asia/Shanghai"));
    assertThat(phone.text("#rule")).isEqualTo("请在" + codeEnds.getHour() + "点" + String.format("%02d", codeEnds.getMinute())
        + "分以前付款；过时订单自动取消，不会扣款");
    assertThat(phone.page.eval("document.getElementById('payAll').className")).as("not the pay button's green").isEqualTo("btn default");
    assertThat(phone.text("#total")).isEqualTo(total);
    // what the order holds cannot be switched off under it (it would still be charged)
    assertThat(phone.page.eval("[...document.querySelectorAll('#members input.switch')].length > 0"
        + " && [...document.querySelectorAll('#members input.switch')].every((s) => s.disabled)")).isEqualTo(true);

    // cancelled: said, and the household looked up anew, its items to be picked and paid again
    phone.tap("#payAll");
    Eventually.until("the cancel said", () -> phone.text("#payError").contains("订单已取消，没有扣款"));
    Eventually.until("the items payable again", () -> phone.text("#pay").equals("去支付") && !phone.text("#members").contains("付款未完成"));
    assertThat(phone.text("#payAll")).startsWith("全家缴费");

    // paid at last: the sheet again, then the result
    phone.tap("#pay");
    phone.tap("#confirmPay");
    phone.waitVisible("#result");
    Eventually.until("paid", () -> phone.text("#resultTitle").equals("支付成功"));
  }

  /**
   * 确认支付 was sent and its answer lost: the money may have been taken, so the result page asks the gateway (the held
   * status request) rather than tell the resident nothing was taken; here it was, and the receipt shows.
   */
  @Test
  void aConfirmWhoseAnswerIsLostAsksTheGatewayNeverSaysNothingWasTaken() throws Exception {
    lookUpZhang();
    phone.page.eval("(() => { const real = window.fetch; window.fetch = async (url, o) => {"
        + " const r = await real(url, o);"
        + " if (String(url).includes('/sandbox/sheet/') && o && o.body && JSON.parse(o.body).confirm) throw new TypeError('Failed to fetch');"
        + " return r; }; })()");
    phone.tap("#pay");
    phone.tap("#confirmPay");
    phone.waitVisible("#result");
    assertThat(phone.text("#result")).doesNotContain("没有扣款");
    // the note not to pay again is not small print
    assertThat(Double.parseDouble(String.valueOf(phone.page.eval(
        "parseFloat(getComputedStyle(document.getElementById('resultNote')).fontSize)")))).isGreaterThanOrEqualTo(17);
    Eventually.until("paid", () -> phone.text("#resultTitle").equals("支付成功"));
    assertThat(phone.text("#receipt")).contains("凭证号").containsPattern("\\* 尾号\\d{3}[0-9X]");
  }

  /**
   * 确认支付 failed before it reached the channel: nothing was taken, and the resident need not wait on the result page
   * until the order expires. 没有付款，取消订单 asks the gateway, which asks the channel before it cancels.
   */
  @Test
  void aConfirmThatNeverLeftCanBeCancelledFromTheResultPage() throws Exception {
    lookUpZhang();
    phone.page.eval("(() => { const real = window.fetch; window.fetch = async (url, o) => {"
        + " if (String(url).includes('/sandbox/sheet/') && o && o.body && JSON.parse(o.body).confirm) throw new TypeError('Failed to fetch');"
        + " return real(url, o); }; })()");
    phone.tap("#pay");
    phone.tap("#confirmPay");
    phone.waitVisible("#result");
    assertThat(phone.text("#result")).doesNotContain("没有扣款");
    phone.waitVisible("#resultCancel");
    phone.tap("#resultCancel");
    Eventually.until("the cancel said", () -> phone.text("#resultTitle").equals("订单已取消，没有扣款"));
    assertThat(phone.visible("#resultCancel")).isFalse();
    assertThat(g.count("select count(*) from orders where state = 'CANCELLED'")).isEqualTo(1);
    assertThat(g.count("select count(*) from orders where state = 'PAYING'")).isZero();
  }

  /**
   * The channel took another amount than the order's (here the order's total changed under its QR code): the gateway fails
   * the order and gives the money back, and the page says so, never that nothing was taken. 返回首页 then leaves no ID
   * number nor name on the first page for the next resident.
   */
  @Test
  void aPaymentGivenBackIsSaidToGoBackAndTheFirstPageIsLeftEmpty() throws Exception {
    lookUpZhang();
    phone.tap("#pay");
    phone.waitVisible("#confirmPay");
    try (java.sql.Connection c = g.db.connect(); java.sql.Statement st = c.createStatement()) {
      assertThat(st.executeUpdate("update orders set total_fen = total_fen + 1 where state = 'PAYING' and household_id ="
          + " (select household_id from person where name = '张三')")).isEqualTo(1);
    }
    phone.tap("#confirmPay");
    phone.waitVisible("#result");
    Eventually.until("the result", () -> phone.text("#resultTitle"), t -> !t.contains("正在确认") && !t.equals("…"));
    // going back while its refund is under way, gone back once the channel has done it (here it may be either)
    assertThat(phone.text("#resultTitle")).matches("这笔缴费没有办成，款项[将已]原路退回");
    assertThat(phone.text("#result")).doesNotContain("没有扣款");
    phone.tap("#again");
    phone.waitVisible("#find");
    assertThat(phone.page.eval("document.getElementById('id').value + document.getElementById('name').value")).isEqualTo("");
  }

  /**
   * A payment that could not be started stays written by the pay button until the next try, in large type in 长辈模式,
   * where its toast also stays twice as long.
   */
  @Test
  void aFailureToPayStaysOnThePage() throws Exception {
    phone.tap("#elder");
    lookUpZhang();
    phone.page.eval("(() => { window.toastTimes = []; const st = window.setTimeout;"
        + " window.setTimeout = (f, ms, ...a) => { window.toastTimes.push(ms); return st(f, ms, ...a); };"
        + " const real = window.fetch; window.fetch = (url, o) =>"
        + " String(url).endsWith('/api/v1/orders') ? Promise.reject(new TypeError('Failed to fetch')) : real(url, o); })()");
    phone.tap("#pay");
    Eventually.until("the failure written", () -> phone.text("#payError").equals("连不上缴费服务，请稍后再试"));
    assertThat(phone.visible("#payError")).isTrue();
    assertThat(Double.parseDouble(String.valueOf(phone.page.eval(
        "parseFloat(getComputedStyle(document.getElementById('payError')).fontSize)")))).isGreaterThanOrEqualTo(19);
    assertThat(String.valueOf(phone.page.eval("JSON.stringify(window.toastTimes)"))).contains("8000");
    // on screen by the button, not under it or past the screen's edge
    assertThat(phone.page.eval("(() => { const e = document.getElementById('payError').getBoundingClientRect();"
        + " return e.top >= 0 && e.bottom <= innerHeight && e.bottom <= document.getElementById('pay').getBoundingClientRect().top; })()"))
        .isEqualTo(true);
  }

  /**
   * A name that does not match is told in plain words under 查询, its lines broken after a phrase, never inside a word
   * (请核 / 对), in the ordinary type and in 长辈模式's.
   */
  @Test
  void aWrongNameIsToldInWholePhrases() throws Exception {
    for (boolean elder : List.of(false, true)) {
      phone.open("http://127.0.0.1:" + g.gateway.httpPort() + "/demo/");
      if (elder) {
        phone.page.eval("elder(true)");
      }
      phone.type("#id", Fixture.ZHANG);
      phone.type("#name", "张四");
      phone.tap("#lookup");
      assertThat(findError()).startsWith("没有查到");
      assertThat(phone.page.eval("(() => { const e = document.getElementById('findError'), w = document.createTreeWalker(e,"
          + " NodeFilter.SHOW_TEXT), bad = []; let t; while ((t = w.nextNode())) { let top = null;"
          + " for (let i = 0; i < t.length; i++) { const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + 1);"
          + " const y = Math.round(r.getBoundingClientRect().top); if (top !== null && y > top + 2"
          + " && !'，；：。、 '.includes(t.data[i - 1])) bad.push(t.data.slice(Math.max(0, i - 2), i + 2)); top = y; } }"
          + " return JSON.stringify(bad); })()")).as(elder ? "长辈模式" : "ordinary type").asString().isEqualTo("[]");
    }
  }

  /** What the page shows in #findError once 查询 was tapped and it had something to say. */
  private String findError() throws Exception {
    return Eventually.until("a word under 查询", () -> phone.text("#findError"), t -> !t.isEmpty());
  }

  /**
   * The service cannot be reached (the page's settings at load, then the channel's login): the resident reads in plain
   * Chinese that it cannot be reached, never "Failed to fetch" nor that their phone is at fault; once it is back, 查询
   * works without opening the page again.
   */
  @Test
  void aServiceThatCannotBeReachedIsSaidInChineseAndQueryWorksOnceItIsBack() throws Exception {
    phone.page.send("Page.addScriptToEvaluateOnNewDocument", new JsonObject().put("source",
        "window.down = /sandbox/; const real = window.fetch;"
        + " window.fetch = (url, o) => window.down && window.down.test(String(url)) ? Promise.reject(new TypeError('Failed to fetch')) : real(url, o);"));
    phone.open("http://127.0.0.1:" + g.gateway.httpPort() + "/demo/");
    phone.type("#id", Fixture.ZHANG);
    phone.type("#name", "张三");
    phone.tap("#lookup");
    assertThat(findError()).as("the page's settings not read at load").isEqualTo("连不上缴费服务，请稍后再试");

    phone.page.eval("window.down = /sandbox\\/login/; document.getElementById('findError').textContent = ''");
    phone.tap("#lookup");
    assertThat(findError()).as("the channel's login not reached").isEqualTo("连不上缴费服务，请稍后再试");

    phone.page.eval("window.down = null");
    phone.tap("#lookup");
    phone.waitVisible("#family");
  }

  /**
   * Opened over plain http on a LAN address, the browser has no crypto.randomUUID: the page still loads, looks up and
   * pays, each order with a random (version 4) Idempotency-Key of its own.
   */
  @Test
  void withoutRandomUuidThePageStillLooksUpAndPays() throws Exception {
    phone.page.send("Page.addScriptToEvaluateOnNewDocument", new JsonObject().put("source",
        "delete Crypto.prototype.randomUUID; window.keys = []; const real = window.fetch; window.fetch = (url, o) => {"
        + " if (o && o.headers && o.headers['Idempotency-Key']) window.keys.push(o.headers['Idempotency-Key']); return real(url, o); };"));
    phone.page.eval("localStorage.removeItem('demoPhone')");
    phone.open("http://127.0.0.1:" + g.gateway.httpPort() + "/demo/");
    assertThat(phone.page.eval("typeof crypto.randomUUID")).isEqualTo("undefined");
    assertThat(String.valueOf(phone.page.eval("localStorage.demoPhone"))).matches("[0-9a-f]{8}");
    lookUpZhang();
    phone.tap("#pay");
    phone.tap("#confirmPay");
    phone.waitVisible("#result");
    Eventually.until("paid", () -> phone.text("#resultTitle").equals("支付成功"));
    assertThat(String.valueOf(phone.page.eval("window.keys.join(',')")))
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  }

  /** Paying after the window, the resident reads when medical cover starts before paying, as at the kiosk. */
  @Test
  void aLatePaymentSaysWhenMedicalCoverStarts() throws Exception {
    // 河东区 without the demo's pinned pay date, so that the clock decides it
    Path config = dir.resolve("gateway.yaml");
    String pinned = "{code: \"371312\", book: hedong-2020.yaml, payDate: 2019-12-15}";
    String shipped = java.nio.file.Files.readString(TestGateway.repo().resolve("config/gateway.yaml"));
    assertThat(shipped).contains(pinned);
    java.nio.file.Files.writeString(config, shipped.replace(pinned, "{code: \"371312\", book: hedong-2020.yaml}"));
    g.close();
    g = Fixture.load(new TestGateway(java.util.Map.of("GATEWAY_CONFIG", config.toString())));
    phone.open("http://127.0.0.1:" + g.gateway.httpPort() + "/demo/");
    g.clock.advance(java.time.Duration.between(g.clock.instant(), java.time.Instant.parse("2020-01-10T02:00:00Z")));
    String cover = g.lookup(Fixture.ZHANG, "张三").getJsonArray("members").stream().map(m -> (io.vertx.core.json.JsonObject) m)
        .filter(m -> m.getString("idNumber").endsWith(Fixture.ZHANG.substring(14))) // not 王奶奶, whom 低保 covers all year
        .flatMap(m -> m.getJsonArray("insurances").stream().map(i -> (io.vertx.core.json.JsonObject) i))
        .filter(i -> i.getString("insurance").equals("medical")).findFirst().orElseThrow().getString("coverageStart");
    assertThat(cover).as("a late payment's wait in this region's book").isNotNull().doesNotEndWith("-01-01");
    java.time.LocalDate d = java.time.LocalDate.parse(cover);
    lookUpZhang();
    assertThat(phone.text("#family")).contains("医保待遇自" + d.getYear() + "年" + d.getMonthValue() + "月" + d.getDayOfMonth() + "日起享受")
        .as("a late payment's wait is not a break in cover's").doesNotContain("中断过参保");
    // a wait set by a break in cover (the book's continuity rule) says so
    assertThat(phone.page.eval("afterBreak({rules: [{id: 'late-grace'}, {id: 'continuity'}]}) && !afterBreak({rules: [{id: 'late-grace'}]})"
        + " && !afterBreak(null)")).isEqualTo(true);
  }

  /** Every button and link a finger taps is at least 44 px either way (a switch or radio is tapped by its whole row). */
  @Test
  void everyButtonIsBigEnoughForAFinger() throws Exception {
    lookUpZhang();
    assertThat(phone.page.eval("JSON.stringify([...document.querySelectorAll('button, a')]"
        + ".filter(e => e.offsetParent !== null && getComputedStyle(e).visibility !== 'hidden')"
        + ".map(e => [e.id || e.textContent.trim(), e.getBoundingClientRect()])"
        + ".filter(([, b]) => b.width < 44 || b.height < 44).map(([n, b]) => n + ' ' + Math.round(b.width) + 'x' + Math.round(b.height)))"))
        .isEqualTo("[]");
  }

  /**
   * 长辈模式, as on the kiosk: larger text, kept on the phone for the next visit, and at 390 px nothing is cut off
   * or pushed past the screen's edge.
   */
  @Test
  void eldersCanHaveLargerText() throws Exception {
    phone.tap("#elder");
    Eventually.until("larger text", () -> Boolean.TRUE.equals(phone.page.eval(
        "document.body.classList.contains('elder') && parseFloat(getComputedStyle(document.body).fontSize) >= 22")));
    phone.open("http://127.0.0.1:" + g.gateway.httpPort() + "/demo/");
    assertThat(phone.page.eval("document.body.classList.contains('elder') && document.getElementById('elder').checked"))
        .isEqualTo(true);
    lookUpZhang();
    assertThat(phone.page.eval("parseFloat(getComputedStyle(document.querySelector('#members .cell')).fontSize)"))
        .asString().satisfies(px -> assertThat(Double.parseDouble(px)).isGreaterThanOrEqualTo(22));
    assertThat(phone.page.eval("JSON.stringify([document.documentElement, ...document.querySelectorAll('#family .cell, .paybar')]"
        + ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText))")).isEqualTo("[]");
  }
}
