package cn.liangxian.kiosk.ui;

import cn.liangxian.kiosk.device.idcard.IdCard;
import cn.liangxian.kiosk.device.idcard.SamSimulator;
import cn.liangxian.kiosk.device.printer.PrinterSimulator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * The demo's hands on the simulated devices, on the UI's loopback address only when the configuration names
 * simulated devices: {@code POST /api/sim/idcard} puts a card on the reader (the demo card, or any resident
 * with {@code ?idNumber=..&name=..}), {@code ?do=remove} takes it off (answered once the reader has found it empty,
 * so that a card placed next is read as a new one); {@code GET /api/sim/printer} lists what
 * the printer simulator received, decoded from its ESC/POS bytes, and {@code /sim/printer.html} shows it.
 */
public final class Simulators {

  private static final Pattern ID_NUMBER = Pattern.compile("\\d{17}[\\dX]");
  /** The longest a removal's answer waits for the reader to find no card (a reader not polled: not forever). */
  private static final java.time.Duration REMOVED_WITHIN = java.time.Duration.ofSeconds(3);

  private final SamSimulator reader;
  private final PrinterSimulator printer;
  private final IdCard demoCard;

  public Simulators(SamSimulator reader, PrinterSimulator printer, IdCard demoCard) {
    this.reader = reader;
    this.printer = printer;
    this.demoCard = demoCard;
  }

  void routes(Router r) {
    if (reader != null) {
      r.post("/api/sim/idcard").handler(this::idCard);
    }
    if (printer != null) {
      r.get("/api/sim/printer").handler(this::printed);
    }
  }

  private void idCard(RoutingContext ctx) {
    JsonObject body = ctx.body() == null || ctx.body().length() == 0 ? null : ctx.body().asJsonObject();
    String what = param(ctx, "do", body == null ? "place" : body.getString("do", "place"));
    if ("remove".equals(what)) {
      reader.remove();
      // a hand takes one card off and puts the next on in more than a poll's time; a script does it in a millisecond,
      // and a card placed before the reader found it empty would be taken for the one still lying there: the answer
      // waits for two more polls (the second begins once the first, which found no card, is done), a few seconds at most
      long polls = reader.polls();
      long until = System.nanoTime() + REMOVED_WITHIN.toNanos();
      ctx.vertx().setPeriodic(20, t -> {
        if (reader.polls() >= polls + 2 || System.nanoTime() - until > 0) {
          ctx.vertx().cancelTimer(t);
          ctx.response().setStatusCode(204).end();
        }
      });
      return;
    }
    String id = param(ctx, "idNumber", body == null ? null : body.getString("idNumber"));
    String name = param(ctx, "name", body == null ? null : body.getString("name"));
    if (id == null) {
      reader.place(demoCard);
      ctx.response().setStatusCode(204).end();
      return;
    }
    id = id.toUpperCase();
    if (!ID_NUMBER.matcher(id).matches() || name == null || name.isBlank() || name.length() > 15) {
      ctx.response().setStatusCode(400).putHeader("Content-Type", "application/problem+json; charset=utf-8")
          .end(new JsonObject().put("type", "about:blank").put("title", "Bad Request").put("status", 400)
              .put("detail", "give idNumber (18 characters) and name, e.g. ?idNumber=371312196205108490&name=潘威")
              .put("message", "give idNumber (18 characters) and name, e.g. ?idNumber=371312196205108490&name=潘威").encode());
      return;
    }
    reader.place(IdCard.madeUp(name.strip(), id, "（模拟身份证）", "（模拟签发机关）", "20200101"));
    ctx.response().setStatusCode(204).end();
  }

  /** The query parameter, else what the JSON body says (either may be absent). */
  private static String param(RoutingContext ctx, String name, String fromBody) {
    String q = ctx.request().getParam(name);
    return q != null ? q : fromBody;
  }

  private void printed(RoutingContext ctx) {
    JsonArray out = new JsonArray();
    for (PrinterSimulator.Printed p : printer.printed()) {
      out.add(new JsonObject().put("lines", new JsonArray(p.lines())).put("qrCodes", new JsonArray(p.qrCodes())));
    }
    ctx.response().putHeader("Content-Type", "application/json; charset=utf-8").putHeader("Cache-Control", "no-store")
        .end(new JsonObject().put("receipts", out).put("errors", new JsonArray(printer.errors())).encode());
  }
}
