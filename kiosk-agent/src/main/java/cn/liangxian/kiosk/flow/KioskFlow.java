package cn.liangxian.kiosk.flow;

import cn.liangxian.kiosk.device.printer.PrintException;
import cn.liangxian.kiosk.device.printer.Receipt;
import cn.liangxian.kiosk.gateway.GatewayClient;
import cn.liangxian.kiosk.gateway.GatewayException;
import cn.liangxian.kiosk.journal.OrderJournal;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * idle → identify → household → select → channel → QR code → paid → receipt → idle. One resident at a time;
 * every screen times out to idle ({@link #tick()}, driven by a timer, against an injected {@link Ticker}: never the
 * wall clock, which an NTP step may move mid-session) and can be cancelled. Clear personal data (the ID number and name
 * read or typed) lives, in memory only, until the session's order is made (to look the household up again if an item
 * was paid elsewhere meanwhile); everything else the screen shows comes masked from the gateway, and all of it is
 * dropped on return to idle.
 * Answers from the gateway for a session that has since ended are ignored.
 */
public final class KioskFlow {

  private static final Logger LOG = LoggerFactory.getLogger(KioskFlow.class);
  private static final Pattern ID_NUMBER = Pattern.compile("\\d{17}[\\dXx]");

  private final GatewayClient gateway;
  private final OrderJournal journal;
  private final JournalWrites writes;
  private final OrderPlacement placement;
  private final ReceiptService receipts;
  /** The wall clock: for what is recorded (the last transaction), never for how long a screen has left. */
  private final Clock clock;
  private final Ticker ticker;
  /** How long one status request may be held by the gateway (it allows up to 25 s). */
  static final int WAIT_SECONDS = 20;
  private final Duration pollInterval;

  private Screen screen = Screen.IDLE;
  private long session;
  /** When the screen's time is up, in {@link Ticker} nanoseconds; null: no time limit (idle). */
  private Long deadline;
  private boolean elder;
  private String message;
  /** On the keypad, which field {@link #message} asks the resident to mend ("idNumber" or "name"), or null. */
  private String mend;
  private Selection selection;
  /** The ID number and name the session's household was looked up with, to look it up again; dropped with the session. */
  private String[] lookedUp;
  private String channel;
  private String orderKey;
  private JsonObject order;
  private long lastPoll;
  /**
   * No status request before this ({@link Ticker} nanoseconds): as long as a busy gateway asked to be left alone
   * (Retry-After), at most {@link #MAX_POLL_BACKOFF_SECONDS} and never past the QR code's end.
   */
  private long pollNotBefore;
  private boolean polling;
  /** Status requests sent so far: which one is the last (its answer alone ends {@link #polling}). */
  private long pollsSent;
  /** The longest a Retry-After keeps the QR screen from asking after its payment: the resident is waiting for it. */
  static final int MAX_POLL_BACKOFF_SECONDS = 30;
  private String lastTransaction;

  public KioskFlow(Vertx vertx, GatewayClient gateway, OrderJournal journal, ReceiptService receipts, Clock clock,
                   Ticker ticker, Duration pollInterval) {
    this.gateway = gateway;
    this.journal = journal;
    this.writes = new JournalWrites(vertx, journal);
    this.placement = new OrderPlacement(gateway, journal, writes, ticker);
    this.receipts = receipts;
    this.clock = clock;
    this.ticker = ticker;
    this.started = ticker.nanos();
    this.pollInterval = pollInterval;
    this.lastPoll = ticker.nanos();
  }

  // ---- identify

  /** An ID card was read (on the reader's thread). Ignored unless the kiosk is idle or on the keypad. */
  public synchronized void idCardRead(String idNumber, String name) {
    cardRead(idNumber, name, "身份证");
  }

  /** A social security card was read (on its reader's thread): as an ID card, the resident told to take back that card. */
  public synchronized void socialSecurityCardRead(String idNumber, String name) {
    cardRead(idNumber, name, "社保卡");
  }

  private void cardRead(String idNumber, String name, String kind) {
    used();
    if (trayTakenBy != null) {
      // a receipt of a resident who has left is printing: the next session begins once it is out (the first screen
      // says to wait, and to place the card again)
      return;
    }
    // a session that ended on a message (an error, an order cancelled) takes the next card as the first screen would:
    // the next resident need not press 返回首页 first (the last one's card, still lying there, is not read again). Not
    // the message that tells its resident a receipt prints by itself if paid (handedOff): it prints on that screen only
    if (screen == Screen.IDLE || screen == Screen.KEYPAD || screen == Screen.ERROR && handedOff == null) {
      newSession();
      card = kind;
      lookup(idNumber, name, false);
    }
  }

  public synchronized void startKeypad() {
    if (screen == Screen.IDLE && trayTakenBy == null) {
      newSession();
      show(Screen.KEYPAD);
    }
  }

  /** ID number and name typed on the on-screen keypad. */
  public synchronized void typed(String idNumber, String name) {
    if (screen != Screen.KEYPAD) {
      return;
    }
    if (idNumber == null || !ID_NUMBER.matcher(idNumber).matches()) {
      message = "身份证号应为18位，请核对";
      mend = "idNumber";
      touch();
      return;
    }
    if (!IdCheckDigit.valid(idNumber)) {
      message = "身份证号有误：最后一位（校验位）与前17位不符，请逐位核对";
      mend = "idNumber";
      touch();
      return;
    }
    if (name == null || name.isBlank() || name.length() > 20) {
      message = "请输入姓名";
      mend = "name";
      touch();
      return;
    }
    lookup(idNumber.toUpperCase(), name.strip(), true);
  }

  private void lookup(String idNumber, String name, boolean typed) {
    lookedUp = new String[] {idNumber, name};
    show(Screen.LOOKING_UP);
    long s = session;
    gateway.lookup(idNumber, name).onComplete(ar -> answer(s, () -> {
      if (ar.failed() && typed) {
        // typed: back to the keypad with what was typed still there, and what to correct or when to try again (a
        // gateway that cannot be reached, or is busy, does not cost the resident the 18 digits and the name)
        show(Screen.KEYPAD);
        if (ar.cause() instanceof GatewayException g) {
          message = g.residentMessage();
          mend = g.invalidIdNumber() ? "idNumber" : null;
        } else {
          // the class only: a body that failed to decode may hold the household
          LOG.warn("lookup failed: {}", ar.cause().getClass().getName());
          message = "系统繁忙，请稍后再试";
        }
        return;
      }
      if (ar.failed() && ar.cause() instanceof GatewayException g && g.status() == 404) {
        // a card's number and name are what the state issued: nothing on it to check, unlike a typed one
        error(NOT_ON_ROSTER);
        return;
      }
      if (ar.failed()) {
        fail(ar.cause());
        return;
      }
      selection = new Selection(ar.result());
      show(Screen.HOUSEHOLD);
      if (!selection.hasPayable() && !selection.hasInProgress()) {
        // the family sees who is paid, paid for by the government or not concerned, and that nothing is owed; never
        // while a payment begun elsewhere is not finished (that resident would leave thinking it paid)
        message = "您家本年度没有需要缴费的项目";
      }
      offered(s);
    }));
  }

  /**
   * Asks the gateway which channels take a QR code (UnionPay appears once the deployment offers it) while the
   * resident picks; until it answers, or if it cannot, WeChat Pay and Alipay.
   */
  private void offered(long s) {
    gateway.channels().onComplete(ar -> answer(s, () -> {
      if (ar.failed()) {
        return;
      }
      List<String> names = new ArrayList<>();
      for (Object o : ar.result().getJsonArray("channels", new JsonArray())) {
        if (o instanceof JsonObject c && c.getString("name", "").matches("[a-z]{1,16}")
            && c.getJsonArray("modes", new JsonArray()).contains("qr")) {
          names.add(c.getString("name"));
        }
      }
      if (!names.isEmpty()) {
        offeredChannels = List.copyOf(names);
      }
    }));
  }

  /**
   * A code from the scanner. The gateway offers QR (the resident scans the kiosk) and mini-program payments
   * only; a payment code scanned from the resident's phone (付款码) waits for a gateway mode that takes one.
   */
  public synchronized void scanned(String code) {
    LOG.info("scanned a code of {} characters on screen {}: no payment mode takes it yet", code.length(), screen);
  }

  // ---- select

  /** Adds or removes one member's insurance; a pension item carries the chosen tier (yuan). */
  public synchronized void toggle(String memberRef, String insurance, Integer tier) {
    toggle(memberRef, insurance, null, tier);
  }

  /** As {@link #toggle(String, String, Integer)} for one benefit year (null: the oldest open one). */
  public synchronized void toggle(String memberRef, String insurance, Integer year, Integer tier) {
    if (screen == Screen.HOUSEHOLD && (tier == null ? selection.toggle(memberRef, insurance, year)
        : selection.tier(memberRef, insurance, year, tier))) {
      touch();
    }
  }

  /** 全家缴费: every unpaid item of the household, straight to the choice of channel. */
  public synchronized void payAll() {
    if (screen == Screen.HOUSEHOLD) {
      selection.pickAll();
      show(Screen.CHANNEL);
    }
  }

  public synchronized void confirmSelection() {
    if (screen == Screen.HOUSEHOLD && !selection.isEmpty()) {
      show(Screen.CHANNEL);
    }
  }

  // ---- pay

  public synchronized void choose(String ch) {
    if (screen != Screen.CHANNEL || !channels().contains(ch)) {
      return;
    }
    channel = ch;
    JsonObject request = new JsonObject().put("householdRef", selection.householdRef())
        .put("channel", ch).put("mode", "qr").put("items", selection.items());
    String key = "kiosk-" + UUID.randomUUID();
    orderKey = key;
    show(Screen.LOOKING_UP);
    message = MAKING_CODE;
    long s = session;
    receipts.problem().onComplete(pr -> answer(s, () -> {
      if (pr.succeeded() && printerWatched) {
        printer(pr.result());
      }
      if (pr.succeeded() && pr.result() != null) {
        // no receipt could be printed: nobody pays here until the printer is seen to
        LOG.warn("order not placed, the printer cannot print: {}", pr.result());
        show(Screen.CHANNEL);
        message = pr.result() + PAUSED;
        return;
      }
      place(s, key, request);
    }));
  }

  private void place(long s, String key, JsonObject request) {
    placedFor.put(key, request.getString("householdRef"));
    placement.place(key, request).onComplete(ar -> answer(s, () -> {
      if (ar.failed() && ar.cause() instanceof GatewayException g && g.timedOut()) {
        // the channel was slow and the gateway's answer did not come in time: no QR code was shown, so nothing can have
        // been paid; the order it may have made is found again by its key and cancelled (OrderPlacement, Recovery). The
        // choice stays on the screen for another press, which makes a new order
        lostOrder = true;
        show(Screen.CHANNEL);
        message = CHANNEL_SLOW;
        return;
      }
      if (ar.failed() && ar.cause() instanceof GatewayException g && lostOrder && g.status() == 409
          && GatewayException.BEING_PAID_ELSEWHERE.equals(g.type())) {
        // pressed again while the order whose answer was lost still holds the items: it is being cancelled
        show(Screen.CHANNEL);
        message = LOST_ORDER_HELD;
        return;
      }
      if (ar.failed() && ar.cause() instanceof GatewayException g && g.tryAgainShortly()) {
        // busy: the choice stays on the screen with when to press again, nothing to pick anew. An order the gateway may
        // have made all the same (503 order-not-confirmed: its payment request made, not recorded) is being cancelled by
        // its key, as a lost answer's: a press meanwhile is told so, not turned away as paid elsewhere
        lostOrder = lostOrder || g.status() == 503 && !g.notCarriedOut();
        show(Screen.CHANNEL);
        message = g.residentMessage();
        return;
      }
      if (ar.failed() && ar.cause() instanceof GatewayException g && g.status() == 409 && lookedUp != null
          && (GatewayException.ALREADY_PAID.equals(g.type()) || GatewayException.BEING_PAID_ELSEWHERE.equals(g.type()))) {
        // paid, or being paid, on a phone or another kiosk since the household was looked up: the household as it is now,
        // what was said, and the rest still to be picked and paid here, rather than the session ended over it
        refresh(s, g.residentMessage());
        return;
      }
      if (ar.failed()) {
        fail(ar.cause());
        return;
      }
      JsonObject o = ar.result().order();
      order = o;
      lookedUp = null; // the order is made: the household is not looked up again in this session
      // what the order charges, as the gateway computed it (the book may have changed since the lookup)
      paidFen = charged(o.getValue("totalFen"), selection.fen());
      paidItems = o.getValue("items") instanceof io.vertx.core.json.JsonArray items ? items.size() : selection.items().size();
      show(Screen.PAYING);
      deadline = ar.result().endsAt(); // the order's end by the gateway's clock, not its life counted from now
      lastPoll = ticker.nanos();
      pollNotBefore = lastPoll;
    }, () -> {
      if (ar.succeeded()) {
        // the resident left (返回首页, or the screen's time ran out) while the order was made: its QR code was never
        // shown, so it is cancelled now rather than left holding the household's items until it expires
        letGo(key, ar.result().order().getString("id"), "left before its QR code was shown");
      }
    }));
  }

  /** The household looked up again with the session's card or typed number and name: its screen, saying {@code why}. */
  private void refresh(long s, String why) {
    show(Screen.LOOKING_UP);
    gateway.lookup(lookedUp[0], lookedUp[1]).onComplete(ar -> answer(s, () -> {
      if (ar.failed()) {
        fail(ar.cause());
        return;
      }
      selection = new Selection(ar.result());
      show(Screen.HOUSEHOLD);
      message = why + (selection.hasPayable() || selection.hasInProgress() ? REFRESHED : NOTHING_MORE);
    }));
  }

  /** What the order charges: its amount, a number or one written as digits; else the choice's own sum. */
  static long charged(Object totalFen, long chosenFen) {
    if (totalFen instanceof Number n) {
      return n.longValue();
    }
    if (totalFen instanceof String s && s.matches("[0-9]{1,15}")) {
      return Long.parseLong(s);
    }
    return chosenFen;
  }

  /** Whether a status request of the order on the QR screen is out (one at a time, sent by {@link #tick()}). */
  synchronized boolean asking() {
    return polling;
  }

  private void pollOrder() {
    if (polling) {
      return;
    }
    polling = true;
    long sent = ++pollsSent;
    lastPoll = ticker.nanos();
    long s = session;
    JsonObject asked = order;
    // held by the gateway until the order changes: the screen moves on as soon as the resident has paid
    gateway.awaitOrder(order.getString("id"), "PAYING", WAIT_SECONDS).onComplete(ar -> {
      // the request ends as its answer is taken in, under one lock: a tick in between would ask again before a
      // Retry-After it carries is known
      synchronized (this) {
        if (sent == pollsSent) {
          // the last request sent: one of an ended session's, answering late, frees nothing while the next resident's
          // request is out
          polling = false;
        }
        answer(s, () -> statusAnswered(ar, asked),
            () -> LOG.info("a status answer after its session ended: not shown"));
      }
    });
  }

  /** What a status request's answer does to the QR screen (under the flow's lock). */
  private void statusAnswered(AsyncResult<JsonObject> ar, JsonObject asked) {
    boolean seenPaid = ar.succeeded() && "PAID".equals(Recovery.state(ar.result()));
    if (order != asked || screen != Screen.PAYING && !ending && !seenPaid) {
      // the screen moved on meanwhile (paid and printed, or another order): a late answer, failed or still unpaid,
      // must not write over what it says now (缴费成功, a reprint's words)
      LOG.info("order {}: a status answer after its screen moved on: not shown", orderKey);
      return;
    }
    if (ending && !seenPaid) {
      // the order is being cancelled: a CANCELLED here is that cancel's own doing, which its answer says (a resident
      // who left goes to the first screen, not through 订单已失效); only a payment seen first is this answer's to tell
      LOG.info("order {}: a status answer while its cancel is under way: left to the cancel's answer", orderKey);
      return;
    }
    if (ar.failed()) {
      // retried on a later tick; meanwhile a resident who has paid is told not to pay again
      message = "网络不稳定，正在确认支付结果。如已付款，请稍候，不要重复付款";
      if (ar.cause() instanceof GatewayException g && g.retryAfterSeconds() > 0) {
        // a busy gateway said when to come back: not sooner (a kiosk asking every poll interval keeps it busy)
        long at = ticker.nanos() + Duration.ofSeconds(Math.min(g.retryAfterSeconds(), MAX_POLL_BACKOFF_SECONDS)).toNanos();
        pollNotBefore = deadline != null && at - deadline > 0 ? deadline : at;
      }
      return;
    }
    String state = Recovery.state(ar.result());
    if ("PAID".equals(state)) {
      paid(); // (its screen's message is cleared by the screen it shows, never by a late word on a receipt's screen)
    } else if (Recovery.dead(state)) {
      closeQuietly(orderKey, state);
      // an order that ended with money given back (paid with another amount, or paid after it expired): the resident
      // was charged, and is told the money goes back, never that nothing was taken
      error(givenBackText(ar.result(), state, "EXPIRED".equals(state) ? TIMED_OUT : "订单已失效，未扣款，请重新办理"));
    } else if (!"PAYING".equals(state)) {
      // an answer that names no state this kiosk knows says nothing of the payment: asked again on the next tick
      message = "网络不稳定，正在确认支付结果。如已付款，请稍候，不要重复付款";
    } else {
      message = null;
    }
  }

  /**
   * What a dead order says: where the money taken for it is, in the gateway's words ({@code moneyBack}: gone back, going
   * back, or to be given back by the staff); an order without refunds says {@code otherwise}.
   */
  static String givenBackText(JsonObject order, String state, String otherwise) {
    io.vertx.core.json.JsonArray refunds = order == null ? null
        : order.getValue("refunds") instanceof io.vertx.core.json.JsonArray r ? r : null;
    if (refunds == null || refunds.isEmpty()) {
      return "REFUNDED".equals(state) ? REFUNDED : otherwise;
    }
    String back = order.getString("moneyBack");
    if (cn.liangxian.kiosk.gateway.GatewayException.forResident(back, 12)) {
      return "这笔缴费没有办成，款项" + back + "。如需缴费，请重新办理";
    }
    // a gateway that does not say: gone back once the order says so, else going back
    return "REFUNDED".equals(state) ? REFUNDED : REFUNDING;
  }


  private void paid() {
    if (screen == Screen.PRINTING || screen == Screen.DONE) {
      // told twice (the held status request and the cancel that came too late): one receipt, and what its screen says
      // (look in the tray first, the printer's fault) stays, never a bare 缴费成功 beside 重新打印
      LOG.info("order {}: paid told again: its receipt's screen keeps its words", orderKey);
      return;
    }
    ending = false; // what became of the order is known: the receipt's screens are the resident's own
    show(Screen.PRINTING);
    paidKey = orderKey;
    long s = session;
    writes.write(() -> journal.step(orderKey, OrderJournal.Step.PAID)).onComplete(ar -> answer(s, () -> {
      if (ar.failed()) {
        LOG.error("journal write failed: {}", ar.cause().toString());
      }
      lastTransaction = clock.instant().toString();
      print();
    }));
  }

  private void print() {
    show(Screen.PRINTING);
    long s = session;
    String key = orderKey;
    receipts.receipt(order.getString("id")).compose(r -> {
      synchronized (this) {
        if (s == session) {
          receipt = r; // its number and verification code are shown if the paper does not come out
        }
      }
      return receipts.print(key, r);
    }).onComplete(ar -> answer(s, () -> {
      if (ar.succeeded()) {
        LOG.info("order {}: receipt printed", orderKey);
        message = "缴费成功，请取走凭证";
      } else if (ar.cause() instanceof PrintException p && p.mayHavePrinted()) {
        // the job went out and only the printer's word after it is missing: the receipt is likely in the tray, and a
        // resident told it failed would press for a second one
        LOG.warn("order {}: receipt sent, the printer not heard after it: {}", orderKey, ar.cause().toString());
        message = MAY_HAVE_PRINTED;
      } else {
        LOG.warn("order {}: receipt not printed: {}", orderKey, ar.cause().toString());
        message = "缴费成功，但凭证打印失败（" + (ar.cause() instanceof PrintException p ? p.getMessage()
            : ar.cause() instanceof GatewayException g ? g.residentMessage() : "打印机故障")
            + "），可点击“重新打印”，或请工作人员帮助补打";
      }
      screen = Screen.DONE;
      printFailed = ar.failed();
      touch();
    }));
  }

  /**
   * An item held by an order begun and not paid (a QR code on another kiosk, a pay sheet on a phone): it is not paid,
   * and cannot be paid here until that order is paid or expires: at the time the lookup gives ({@code heldUntil}), in
   * Beijing time; where it gives none, the gateway's order life, 15 minutes at most from the order's start.
   */
  static final String IN_PROGRESS = inProgress(Optional.empty(), Instant.EPOCH);

  /**
   * {@link #IN_PROGRESS}, with the time the holding order ends where the lookup says it (rounded up to the minute). An
   * end already past is not given as a time the resident has missed: the gateway frees the items within its next
   * sweep (seconds), after asking the channel whether the order was paid after all.
   */
  static String inProgress(Optional<Instant> heldUntil, Instant now) {
    return "有一笔缴费还没有付款完成（可能在手机上或另一台机器上），请在那里付完；如果不付，" + after(heldUntil, now)
        + "可以在这里重新缴费";
  }

  /** As {@link #inProgress}, for the code of an order made on this kiosk and left, which stays payable until its time. */
  static String inProgressHere(Optional<Instant> heldUntil, Instant now) {
    return "刚才在本机生成的付款码还没有失效。如已付款，请点“返回首页”稍候，凭证会自动打印；如果不付，" + after(heldUntil, now)
        + "可以在这里重新缴费";
  }

  private static String after(Optional<Instant> heldUntil, Instant now) {
    return heldUntil.map(t -> {
      if (!t.isAfter(now)) {
        return "稍等一两分钟";
      }
      // the minute it is over, so that "after" is never too early
      Instant minute = t.truncatedTo(ChronoUnit.MINUTES);
      ZonedDateTime at = (minute.equals(t) ? t : minute.plusSeconds(60)).atZone(ZoneId.of("Asia/Shanghai"));
      return at.getHour() + "点" + String.format("%02d", at.getMinute()) + "分以后";
    }).orElse("约15分钟后");
  }

  /** Leaving the QR code: its order is cancelled at the gateway before the first screen comes back. */
  static final String CANCELLING = "正在取消订单，请稍候…";
  /** The order was neither cancelled nor seen paid: it is watched, and its receipt printed if it turns out paid. */
  static final String UNCONFIRMED = "暂时无法确认支付结果。如已付款，凭证会自动打印，请稍候或联系工作人员";

  /** What a resident is told of a code that stays payable until its time ({@link GatewayException#codeStillPayable}). */
  static final String PAID_MEANWHILE = "如已付款，凭证会自动打印；如没有打印出来，请工作人员帮助补打";
  /**
   * On the first screen while the receipt of a resident who left the screen is printed: no session until it is out, and
   * a card placed meanwhile has been read and is not read again where it lies, so it is to be placed again.
   */
  static final String TRAY_TAKEN = "正在打印上一位缴费人的凭证，请稍候。打印完成后请重新放卡";
  /** The receipt went to the printer, which was not heard after it: it may be in the tray; a reprint only if it is not. */
  static final String MAY_HAVE_PRINTED = "缴费成功。凭证可能已经打印出来，请先查看出纸口；如未出凭证，可点击“重新打印”，或请工作人员帮助补打";
  /** After the printer's reason it cannot print: nobody pays here until it can. */
  static final String PAUSED = "，本机暂停收费，请联系工作人员，或用手机微信、支付宝缴费";
  /** While the order and its QR code are made (the gateway asks the payment channel, up to 15 s). */
  static final String MAKING_CODE = "正在生成付款码，请稍候…";
  /**
   * The order's creation had no answer in time. True: no QR code was shown, so nothing was taken whatever the gateway
   * did; the order it may have made is cancelled by its key.
   */
  static final String CHANNEL_SLOW = "支付渠道响应慢，没有扣款，请再点一次";
  /** The resident left the QR code and its order was cancelled. */
  static final String CANCELLED = "订单已取消，没有扣款";
  /** After what the gateway said of an item paid or being paid elsewhere since the lookup: the household shown anew. */
  static final String REFRESHED = "。已为您重新查询，请再选择要缴费的项目";
  /** The first screen, while the gateway cannot be reached: before a card is placed for nothing. */
  static final String OFFLINE = "网络暂时不通，本机暂停缴费，请稍后再来或到其他缴费机办理";
  /** As {@link #REFRESHED}, where nothing is left to pay. */
  static final String NOTHING_MORE = "。您家本年度没有其他需要缴费的项目";
  /**
   * Pressed again while the order whose answer was lost still holds the items (its cancel waits on the same slow
   * channel); if the channel does not let it be cancelled, it expires with the gateway's order life.
   */
  static final String LOST_ORDER_HELD = "刚才的订单还在撤销，没有扣款。请稍等一会儿再点一次；如果一直不行，约15分钟后再来缴费";
  /** A card read whose holder the gateway does not know. */
  static final String NOT_ON_ROSTER = "没有查到您的参保登记，请联系村（社区）协办员。";
  private static final String TIMED_OUT = "付款已超时，订单已取消，没有扣款。如需缴费，请重新办理";
  /** Taken and given back (a refund): not "nothing was taken", which the resident's bill would contradict. */
  private static final String REFUNDED = "这笔缴费没有办成，款项已原路退回。如需缴费，请重新办理";
  private static final String REFUNDING = "这笔缴费没有办成，款项将原路退回。如需缴费，请重新办理";
  /**
   * Paid and given back on the channel's own platform: the gateway holds the order's items until the next day's bill
   * has been checked, so the resident is not told to pay again now (they would be refused, told of another payment).
   */
  static final String REFUNDED_AT_CHANNEL = "这笔缴费没有办成，款项已原路退回。要等明天银行对账后才能再缴，请明天再来办理";

  private boolean printFailed;
  /** The session began with a card read (an ID card, a social-security card): the resident is told to take it back. */
  /** The card the session began with (身份证, 社保卡), to be taken back; null: typed in. */
  private String card;
  /** The card of the session an error screen ended, until the kiosk is idle again. */
  private String endedCard;
  /** The receipt being printed (masked, as on paper): its number and verification URL stand in for a failed print. */
  private Receipt receipt;
  /** An order's creation in this session had no answer in time: the order it may have made is being cancelled. */
  private boolean lostOrder;
  private static final int PRINT_FAILED_SECONDS = 120;
  /** The order on the screen is being cancelled ({@link #endOrder}): no 返回首页 until what became of it is known. */
  private boolean ending;
  /** Beyond the cancel's and the lookup's own time, for signing them and the answers' way back. */
  private static final int ENDING_SLACK_SECONDS = 5;

  /**
   * How long the screen that says the order is being cancelled waits: for the cancel and the lookup after it, each
   * given the gateway's timeout, and never less than any lookup's screen.
   */
  private long endingSeconds() {
    return Math.max(Screen.LOOKING_UP.timeoutSeconds(),
        Duration.ofMillis(2L * gateway.timeoutMillis()).toSeconds() + ENDING_SLACK_SECONDS);
  }

  /** The order this screen saw paid and prints the receipt of: never handed to the background watch as well. */
  private String paidKey;
  /** The order whose resident the error screen on show told its receipt would print by itself, if paid. */
  private String handedOff;
  /** The order whose receipt is being printed in the background (its resident gone from the screen), or null. */
  private String trayTakenBy;
  /**
   * How long the kiosk is left alone (no session, no card placed, no touch) before a receipt of a resident who left is
   * printed where it is not on that resident's own screen: longer than the previous resident takes to leave the tray.
   */
  static final Duration QUIET_BEFORE_BACKGROUND_PRINT = Duration.ofSeconds(60);
  /** When the kiosk was last in use ({@link Ticker} nanoseconds); null: not since the agent started. */
  private Long lastUse;
  /** When the agent started ({@link Ticker} nanoseconds). */
  private final long started;

  public synchronized void reprint() {
    if (screen == Screen.DONE && printFailed) {
      print();
    }
  }

  // ---- leave

  /**
   * 取消 / 返回首页: goes idle; an unpaid order on the QR screen is cancelled at the gateway first (the page asks the
   * resident to confirm), and a resident whose payment is not known is told its receipt prints by itself if paid.
   */
  public synchronized void cancel() {
    if (screen == Screen.PAYING && order != null) {
      endOrder(false);
      return;
    }
    if (screen == Screen.PRINTING) {
      return; // paid: the receipt comes first
    }
    if (ending) {
      // the order is being cancelled: its resident is told what became of it (paid, a receipt printing here or by
      // itself) before the first screen comes back; the page shows no 返回首页 meanwhile
      return;
    }
    idle();
  }

  /** The resident is still at it (typing, reading the tier sheet): the screen's time starts again. */
  public synchronized void stillHere() {
    if (screen == Screen.IDLE) {
      used(); // someone at the first screen: no receipt of a resident who left comes out into their hands
    }
    if (screen != Screen.IDLE && screen != Screen.PAYING && screen != Screen.LOOKING_UP && screen != Screen.PRINTING) {
      touch();
    }
  }

  /** 上一步 from the choice of channel: back to the household, what was picked still picked. */
  public synchronized void back() {
    if (screen == Screen.CHANNEL) {
      show(Screen.HOUSEHOLD);
    }
  }

  public synchronized void elder(boolean on) {
    elder = on;
    used();
    if (screen == Screen.IDLE) {
      // switched on at the first screen by someone who then left: off again for the next resident, after as long as
      // the household screen waits in 长辈模式
      deadline = on ? after(Screen.HOUSEHOLD.timeoutSeconds() * 2L) : null;
    } else if (screen != Screen.PAYING && !ending) {
      touch(); // not the cancel's own time, which is as long as its answer takes
    }
  }

  /** Called by a timer: polls the order being paid, and sends a screen whose time is up back to idle. */
  public synchronized void tick() {
    long now = ticker.nanos();
    if (screen == Screen.PAYING && now - lastPoll - pollInterval.toNanos() >= 0 && now - pollNotBefore >= 0) {
      pollOrder();
    }
    if (deadline != null && now - deadline >= 0) {
      if (screen == Screen.PAYING) {
        endOrder(true);
        return;
      }
      if (ending) {
        // neither the cancel nor the lookup after it answered in their time: whatever they answer later closes the order
        // or hands it to the background watch (endOrder), and this resident is told a receipt prints by itself if paid
        String key = orderKey;
        LOG.warn("order {}: its cancel not answered in {} s: its resident told a receipt prints if it was paid", key,
            endingSeconds());
        newSession();
        handedOff = key;
        error(UNCONFIRMED);
        return;
      }
      if (screen != Screen.PRINTING) {
        idle();
      }
    }
  }

  /**
   * The QR code's time is up ({@code timedOut}), or its resident confirmed leaving it (取消 / 返回首页): the order is
   * cancelled at the gateway before the resident is told anything. Cancelled: nothing was taken (a resident who left goes
   * back to the first screen). Refused because it was paid a moment ago: its receipt is printed now, while the resident
   * is still here. Refused because the gateway had already expired it: nothing was taken either (or, refunded, it was
   * given back). No answer: the order is watched in the background, its receipt printed if it turns out paid while the
   * resident's error screen shows or once the kiosk has been left alone a while ({@link #takeTray}), and the resident
   * told so.
   */
  private void endOrder(boolean timedOut) {
    String key = orderKey;
    String id = order.getString("id");
    String why = timedOut ? "timed out" : "cancelled by the resident";
    long s = session;
    show(Screen.LOOKING_UP);
    if (!timedOut) {
      message = CANCELLING;
    }
    ending = true;
    deadline = after(endingSeconds());
    gateway.cancel(id).onComplete(ar -> answer(s, () -> {
      if (key.equals(paidKey)) {
        return; // the status request saw it paid meanwhile: its receipt is being printed here
      }
      if (ar.succeeded()) {
        closeQuietly(key, why);
        // said, as the other endings are, with the card to take back: not the first screen at once, as if nothing
        newSession();
        error(timedOut ? TIMED_OUT : CANCELLED);
        return;
      }
      if (ar.cause() instanceof GatewayException g && g.refundedAtChannel()) {
        // paid, and the money given back on the channel's platform already: no receipt will come, and the resident is
        // told where the money is, never "如已付款，凭证会自动打印"
        closeQuietly(key, "refunded at the channel");
        newSession();
        error(REFUNDED_AT_CHANNEL);
        return;
      }
      if (ar.cause() instanceof GatewayException g && g.codeStillPayable()) {
        // a code nobody paid that cannot be voided before its time: the resident is told until when it stays payable and
        // that nothing is taken otherwise; it is watched meanwhile, its receipt printed here if it is paid after all
        cancelled(key, id, false, null);
        newSession();
        handedOff = key;
        error(g.residentMessage() + PAID_MEANWHILE);
        return;
      }
      gateway.order(id).onComplete(o -> answer(s, () -> {
        if (key.equals(paidKey)) {
          // the held status request saw it paid while this was asked: its receipt is printed on this screen, which
          // stays; an answer read before the payment (or none at all) would tell a paid resident it is not known
          LOG.info("order {}: seen paid while its refused cancel was looked into: its receipt is printed here", key);
          return;
        }
        String state = o.succeeded() ? Recovery.state(o.result()) : null;
        if ("PAID".equals(state)) {
          paid();
          return;
        }
        if (Recovery.dead(state)) {
          // refused because the gateway had already expired (or cancelled) it: nothing was taken, and that is known;
          // unless a payment came at the last moment that the order could not take, which is being given back
          closeQuietly(key, state);
          String text = givenBackText(o.result(), state, timedOut ? TIMED_OUT : null);
          if (text == null) {
            idle();
          } else {
            newSession();
            error(text);
          }
          return;
        }
        cancelled(key, id, false, null);
        newSession();
        handedOff = key; // this error screen is its resident's: a receipt that turns out paid may print while it shows
        error(UNCONFIRMED);
      }, () -> cancelled(key, id, false, null)));
    }, () -> cancelled(key, id, ar.succeeded(), why)));
  }

  /**
   * The screen leaves an unpaid order: cancel it at the gateway; if that fails (it was paid a moment ago, or the
   * network is down) the order is watched in the background and its receipt printed if it turns out paid, never into
   * another resident's hands ({@link #takeTray}).
   */
  private void letGo(String key, String id, String why) {
    gateway.cancel(id).onComplete(ar -> cancelled(key, id, ar.succeeded(), why));
  }

  /**
   * After the gateway answered the cancel of an order no screen shows (any more): closed if it was cancelled, else
   * watched in the background, its receipt printed if it turns out paid (never into another resident's hands:
   * {@link #takeTray}).
   */
  private void cancelled(String key, String id, boolean ok, String why) {
    if (ok) {
      closeQuietly(key, why);
    } else if (recovery != null && !key.equals(paidKey)) {
      // written before it is watched: a restart before its receipt prints still knows its resident had left
      Recovery r = recovery;
      long at = ticker.nanos(); // its resident's wait is counted from now, however long the write takes
      String household = placedFor.get(key);
      if (household != null) {
        watchedHere.put(key, household);
      }
      writes.write(() -> journal.step(key, OrderJournal.Step.LET_GO)).onComplete(ar -> {
        if (ar.failed()) {
          LOG.error("journal write failed: {}", ar.cause().toString());
        }
        r.letGo(key, id, at).onComplete(x -> watchedHere.remove(key));
      });
    }
  }

  private Recovery recovery;
  /** The households of the orders placed lately, by key: the last few (an order is let go of soon or never). */
  private final Map<String, String> placedFor = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > 16;
    }
  });
  /** The households of the orders this kiosk let go of and watches (a code still payable until its time), by key. */
  private final Map<String, String> watchedHere = new java.util.concurrent.ConcurrentHashMap<>();

  // ---- devices

  /** The printer's reason it cannot print a receipt, as last asked (plain Chinese), or null: it can. */
  private String printerProblem;
  private boolean checkingPrinter;
  /** Whether a timer asks the printer ({@link #checkPrinter}); without one, only the press of a channel does. */
  private boolean printerWatched = true;
  private BooleanSupplier readerHealthy = () -> true;

  /**
   * {@code false}: nothing asks the printer between payments (deviceCheckSeconds 0), so a problem found at a press is
   * said then and not kept: kept, it would turn the pay buttons off with nothing left to turn them on again.
   */
  public synchronized void printerWatched(boolean watched) {
    this.printerWatched = watched;
  }

  /** The ID-card reader's health (its poller's), shown on the first screen; none set: no reader to speak of. */
  public synchronized void readerHealth(BooleanSupplier healthy) {
    this.readerHealthy = healthy;
  }

  /**
   * Asks the printer whether it could print a receipt now (a timer calls it, every few seconds): what the first screen
   * says, and whether the pay buttons may be pressed. One question at a time.
   */
  public Future<String> checkPrinter() {
    synchronized (this) {
      if (checkingPrinter) {
        return Future.succeededFuture(printerProblem);
      }
      checkingPrinter = true;
    }
    return receipts.problem().andThen(ar -> {
      synchronized (this) {
        checkingPrinter = false;
        if (ar.succeeded()) {
          printer(ar.result());
        }
      }
    });
  }

  private synchronized void printer(String problem) {
    if (!Objects.equals(problem, printerProblem)) {
      if (problem == null) {
        LOG.info("the printer can print again: payments taken");
      } else {
        LOG.warn("the printer cannot print ({}): no payment taken until it can", problem);
      }
    }
    printerProblem = problem;
  }

  /** What the first screen says of the devices, if anything: a printer that cannot print, a reader that cannot read. */
  private JsonArray notices(boolean readerOk) {
    JsonArray n = new JsonArray();
    if (gateway.unreachable()) {
      n.add(OFFLINE);
    }
    if (printerProblem != null) {
      n.add("本机" + printerProblem + "，暂停收费，请到其他机器缴费");
    }
    if (!readerOk) {
      n.add("读卡器故障，请点“手动输入身份证号”");
    }
    if (trayTakenBy != null) {
      n.add(TRAY_TAKEN);
    }
    return n;
  }

  public synchronized void recovery(Recovery r) {
    this.recovery = r;
    placement.unsettled(e -> r.resume(e));
    r.tray(new Recovery.Tray() {
      @Override
      public boolean take(String key, boolean left) {
        return takeTray(key, left);
      }

      @Override
      public void free(String key) {
        freeTray(key);
      }
    });
  }

  /**
   * Whether the receipt of an order the screen let go of may be printed now: on the error screen that told this order's
   * resident it would print by itself, while it still shows (that resident's session), or once the kiosk has been left
   * alone {@link #QUIET_BEFORE_BACKGROUND_PRINT}; never while another resident's session is under way, nor in the first
   * moments after one ended, when the resident who just finished (or the next one) is at the tray: it would be printed
   * into their hands. Taken, no session starts until {@link #freeTray}.
   */
  synchronized boolean takeTray(String key, boolean left) {
    if (trayTakenBy != null && !trayTakenBy.equals(key)) {
      return false;
    }
    boolean itsResidentsScreen = screen == Screen.ERROR && key.equals(handedOff);
    // not in use since the agent started: a receipt whose resident a restart cut short prints at once, one whose
    // resident had left before it waits the quiet time from the start, as the restart may have cut another's session
    boolean atOnce = lastUse == null && !left;
    long since = lastUse != null ? lastUse : started;
    boolean leftAlone = screen == Screen.IDLE
        && (atOnce || ticker.nanos() - since - QUIET_BEFORE_BACKGROUND_PRINT.toNanos() >= 0);
    if (!itsResidentsScreen && !leftAlone) {
      return false;
    }
    trayTakenBy = key;
    return true;
  }

  /** Someone is at the kiosk now (a session ended, a card placed, the first screen touched). */
  private void used() {
    lastUse = ticker.nanos();
  }

  synchronized void freeTray(String key) {
    if (key.equals(trayTakenBy)) {
      trayTakenBy = null;
    }
  }

  private void idle() {
    newSession();
    used(); // the resident who just finished may be at the tray still, the next one may be coming up
    endedCard = null;
    elder = false; // 长辈模式 is the resident's choice, not the next one's
    screen = Screen.IDLE;
    deadline = null;
  }

  /** Drops the resident's data and invalidates pending answers. */
  private void newSession() {
    if (screen == Screen.DONE && printFailed && orderKey != null && recovery != null) {
      recovery.leftUnprinted(orderKey); // paid, no receipt, and the resident gone: told at the next heartbeat
    }
    session++;
    handedOff = null; // told on a screen of the session that ends here
    endedCard = card;
    card = null;
    lookedUp = null;
    selection = null;
    channel = null;
    order = null;
    orderKey = null;
    message = null;
    printFailed = false;
    receipt = null;
    lostOrder = false;
    polling = false;
    paidFen = 0;
    paidItems = 0;
    ending = false;
  }

  private void show(Screen s) {
    screen = s;
    message = null;
    mend = null;
    touch();
  }

  private void touch() {
    // after a failed print: time to fetch staff or fix the paper, and press 重新打印
    int t = screen == Screen.DONE && printFailed ? PRINT_FAILED_SECONDS : screen.timeoutSeconds();
    deadline = t == 0 ? deadline : after(elder ? t * 2L : t);
  }

  /** The {@link Ticker} time {@code seconds} from now. */
  private long after(long seconds) {
    return ticker.nanos() + Duration.ofSeconds(seconds).toNanos();
  }

  private void error(String text) {
    screen = Screen.ERROR;
    message = text;
    touch();
  }

  private void fail(Throwable t) {
    if (t instanceof Refusal r) {
      if (r.getCause() != null) {
        LOG.error("{}: {}", r.getMessage(), r.getCause().toString());
      }
      error(r.getMessage());
    } else if (t instanceof GatewayException g) {
      error(g.residentMessage());
    } else {
      LOG.warn("unexpected failure: {}", t.toString());
      error("系统繁忙，请稍后再试");
    }
  }

  private void answer(long s, Runnable r) {
    answer(s, r, () -> { });
  }

  /** As {@link #answer(long, Runnable)}, running {@code gone} instead when the session has ended meanwhile. */
  private void answer(long s, Runnable r, Runnable gone) {
    synchronized (this) {
      if (s != session) {
        gone.run();
        return;
      }
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.warn("flow failure: {}", e.toString());
        error("系统繁忙，请稍后再试");
      }
    }
  }

  private void closeQuietly(String key, String why) {
    writes.closeQuietly(key, why);
  }

  /** What the screen shows: masked data only. */
  public synchronized JsonObject view() {
    JsonObject v = new JsonObject().put("screen", screen.name()).put("elder", elder).put("message", message);
    if (screen == Screen.KEYPAD && message != null && mend != null) {
      v.put("mend", mend);
    }
    if (screen == Screen.IDLE) {
      boolean readerOk = readerHealthy.getAsBoolean();
      JsonArray notices = notices(readerOk);
      if (!notices.isEmpty()) {
        v.put("notices", notices);
      }
      if (!readerOk) {
        v.put("readerFault", true);
      }
      if (trayTakenBy != null) {
        v.put("keypadOff", true); // no session begins until the receipt is out: 手动输入 would do nothing
      }
    }
    if (ending && screen == Screen.LOOKING_UP) {
      v.put("cancelling", true); // no 返回首页 while the order is cancelled
    }
    if (printerProblem != null && (screen == Screen.HOUSEHOLD || screen == Screen.CHANNEL)) {
      // the pay buttons are not pressed while no receipt could be printed (choose asks the printer again anyway)
      v.put("payBlocked", printerProblem + PAUSED);
    }
    if (deadline != null) {
      v.put("secondsLeft", Math.max(0, Duration.ofNanos(deadline - ticker.nanos()).toSeconds()));
    }
    if (selection != null && (screen == Screen.HOUSEHOLD || screen == Screen.CHANNEL)) {
      v.put("household", selection.household()).put("selection", selection.items()).put("selectedFen", selection.fen());
    }
    if (selection != null && screen == Screen.HOUSEHOLD) {
      v.put("payable", selection.hasPayable());
      if (selection.hasInProgress()) {
        // the gateway's end, by its clock; an order this kiosk made and let go of is not sent "there" to be finished
        v.put("inProgress", watchedHere.containsValue(selection.householdRef())
            ? inProgressHere(selection.heldUntil(), gateway.now()) : inProgress(selection.heldUntil(), gateway.now()));
      }
      v.put("allFen", selection.allFen()).put("wholeFamily", new JsonArray(List.copyOf(selection.wholeFamily())));
    }
    if (screen == Screen.CHANNEL) {
      v.put("channels", new JsonArray(channels()));
    }
    if (order != null && screen == Screen.PAYING) {
      // what the order charges, read when it came (the choice's sum where the answer gave no number)
      v.put("order", new JsonObject().put("totalFen", paidFen).put("channel", channel)
          .put("codeUrl", order.getJsonObject("payment").getString("codeUrl")));
    }
    // a session begun with a card that ends (paid, or on an error) reminds its resident to take the card back
    String takeBack = card != null ? card : endedCard;
    if ((screen == Screen.DONE || screen == Screen.ERROR) && takeBack != null) {
      v.put("takeCard", "请取回您的" + takeBack);
    }
    if (screen == Screen.DONE) {
      v.put("canReprint", printFailed).put("paid", new JsonObject().put("fen", paidFen)
          .put("items", paidItems).put("channel", channel));
      if (printFailed && receipt != null) {
        // no paper came out: the receipt's number and the code of its verification page, to be photographed
        v.put("receipt", new JsonObject().put("no", receipt.receiptNo()).put("verifyUrl", receipt.verifyUrl()));
      }
    }
    return v;
  }

  private List<String> channels() {
    return offeredChannels;
  }

  private static final List<String> DEFAULT_CHANNELS = List.of("wechat", "alipay");
  private List<String> offeredChannels = DEFAULT_CHANNELS;
  private long paidFen;
  private int paidItems;

  public synchronized Screen screen() {
    return screen;
  }

  public synchronized String lastTransaction() {
    return lastTransaction;
  }
}
