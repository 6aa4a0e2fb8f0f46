package cn.liangxian.gateway.channel.unionpay;

import cn.liangxian.channel.unionpay.UnionPayMessages;
import cn.liangxian.channel.unionpay.UnionPaySignatures;
import cn.liangxian.gateway.channel.AnswerEcho;
import cn.liangxian.gateway.channel.ChannelException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * UnionPay's online gateway (全渠道 5.1.0), merchant side, over a non-blocking Vert.x {@link WebClient}:
 * the QR code request, the trade query, the refund and the settlement file. Every request is signed with
 * the merchant's key and every answer verified against a {@code signPubKeyCert} that chains to UnionPay's
 * certificates; signing and verifying run on a worker, never on the event loop.
 */
public final class UnionPayClient {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UnionPayClient.class);
  static final ZoneId CHINA = cn.liangxian.gateway.channel.ChannelDays.BEIJING;
  static final DateTimeFormatter TXN_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

  private final Vertx vertx;
  private final WebClient http;
  private final String gatewayUrl;
  private final String fileUrl;
  private final UnionPayMerchant merchant;
  private final Clock clock;
  private final cn.liangxian.gateway.channel.Signing signing;

  /**
   * @param gatewayUrl {@code https://gateway.95516.com} (its {@code /gateway/api/*.do}), or the sandbox's
   * @param fileUrl the file transfer address, {@code https://filedownload.95516.com/}, or the sandbox's
   */
  public UnionPayClient(Vertx vertx, WebClient http, String gatewayUrl, String fileUrl, UnionPayMerchant merchant, Clock clock,
      cn.liangxian.gateway.channel.Signing signing) {
    this.vertx = vertx;
    this.signing = signing;
    this.http = http;
    this.gatewayUrl = gatewayUrl.endsWith("/") ? gatewayUrl.substring(0, gatewayUrl.length() - 1) : gatewayUrl;
    this.fileUrl = fileUrl;
    this.merchant = merchant;
    this.clock = clock;
  }

  public UnionPayMerchant merchant() {
    return merchant;
  }

  /**
   * Whether a respCode or origRespCode says the transaction succeeded: 00, or A6 (有缺陷的成功, a success with defects:
   * UnionPay carried the transaction without every party's answer). An A6 transaction is settled, and UnionPay's
   * interface rules have the merchant take it as succeeded, as 00; it is never a failure.
   */
  public static boolean succeeded(String code) {
    return "00".equals(code) || "A6".equals(code);
  }

  /**
   * A trade as UnionPay reports it; {@code found} false when it has none (respCode 34); {@code settleDate}
   * (MMdd) the day it settles on, when it says.
   */
  public record Trade(boolean found, String origRespCode, String queryId, long txnAmt, String origRespMsg, String settleDate,
      String traceTime) {
    /** UnionPay has the transaction and says it succeeded (origRespCode 00 or A6). */
    public boolean succeeded() {
      return found && UnionPayClient.succeeded(origRespCode);
    }
  }

  /** txnType 01 / txnSubType 07: the QR code (qrCode) the resident scans. */
  public Future<String> qrCode(String orderId, long fen, String description, String backUrl, String txnTime, String payTimeout) {
    Map<String, String> f = common("01", "07", orderId, txnTime);
    f.put("channelType", "08");
    f.put("txnAmt", Long.toString(fen));
    f.put("currencyCode", "156");
    f.put("backUrl", backUrl);
    f.put("payTimeout", payTimeout);
    f.put("orderDesc", description);
    return call("/gateway/api/backTransReq.do", f).map(a -> {
      String qr = a.get("qrCode");
      if (qr == null || qr.isEmpty()) {
        throw new ChannelException("MALFORMED_RESPONSE", "the answer has no qrCode", 200, true);
      }
      return qr;
    });
  }

  /**
   * txnType 00: the trade of an orderId sent at txnTime. An answer saying it succeeded in another currency than
   * renminbi is refused: it fails, and nothing is applied.
   */
  public Future<Trade> query(String orderId, String txnTime) {
    return call("/gateway/api/queryTrans.do", common("00", "00", orderId, txnTime))
        .map(a -> inRenminbi(a, orderId))
        .map(a -> new Trade(true, a.getOrDefault("origRespCode", ""), a.get("queryId"), amount(a.get("txnAmt")),
            a.getOrDefault("origRespMsg", ""), a.get("settleDate"), a.get("traceTime")))
        .recover(e -> e instanceof ChannelException c && c.code().equals("UNIONPAY_34")
            ? Future.succeededFuture(new Trade(false, "", null, 0, "查无此交易", null, null)) : Future.failedFuture(e));
  }

  /**
   * A transaction's txnAmt is fen only in renminbi (currencyCode 156): an answer saying it succeeded in another
   * currency is refused, and left to an operator. One naming no currency is read as renminbi, the only currency this
   * merchant's transactions are made in: the same query confirms refunds, and a refund's answer left without the
   * field must not stay unconfirmed for it.
   */
  private static Map<String, String> inRenminbi(Map<String, String> a, String orderId) {
    String code = a.get("currencyCode");
    if (!succeeded(a.getOrDefault("origRespCode", "")) || code == null || code.isEmpty() || "156".equals(code)) {
      return a;
    }
    // a currency code is three digits: nothing longer reaches the log
    String currency = code.length() > 8 ? code.substring(0, 8) + "..." : code;
    LOG.error("unionpay answered a query of {} succeeded in {}, not 156: not applied; an operator must see to it", orderId, currency);
    throw new ChannelException("WRONG_CURRENCY", "the transaction succeeded in " + currency + ", not 156", 200, false);
  }

  /** txnType 04 (退货) of the payment {@code origQryId}; a repeated orderId and txnTime refunds nothing twice (respCode 12). */
  public Future<Void> refund(String orderId, String txnTime, String origQryId, long fen, String backUrl) {
    Map<String, String> f = common("04", "00", orderId, txnTime);
    f.put("channelType", "08");
    f.put("origQryId", origQryId);
    f.put("txnAmt", Long.toString(fen));
    f.put("currencyCode", "156");
    f.put("backUrl", backUrl);
    return call("/gateway/api/backTransReq.do", f).<Void>mapEmpty()
        .recover(e -> e instanceof ChannelException c && c.code().equals("UNIONPAY_12")
            ? Future.succeededFuture() : Future.failedFuture(e));
  }

  /** txnType 76: the settlement files of a day as the zip UnionPay sends (Base64 of its deflated bytes), inflated. */
  public Future<byte[]> settlementZip(LocalDate day) {
    Map<String, String> f = common("76", "01", null, TXN_TIME.format(clock.instant().atZone(CHINA)));
    f.remove("orderId");
    f.put("settleDate", String.format("%02d%02d", day.getMonthValue(), day.getDayOfMonth()));
    f.put("fileType", "00");
    // a busy day's file is megabytes: decoded and inflated on a worker, not the event loop
    return call(fileUrl, f).compose(a -> vertx.executeBlocking(() -> inflate(a.getOrDefault("fileContent", "")), false));
  }

  private Map<String, String> common(String txnType, String txnSubType, String orderId, String txnTime) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("version", UnionPaySignatures.VERSION);
    f.put("encoding", "UTF-8");
    f.put("signMethod", UnionPaySignatures.SIGN_METHOD_RSA);
    f.put("txnType", txnType);
    f.put("txnSubType", txnSubType);
    f.put("bizType", "000000");
    f.put("accessType", "0");
    f.put("merId", merchant.merId());
    f.put("orderId", orderId);
    f.put("txnTime", txnTime);
    f.put("certId", merchant.certId());
    return f;
  }

  /** The signed form of a request: also what a test or the sandbox checks. Blocking (RSA). */
  public Map<String, String> signed(Map<String, String> fields) {
    Map<String, String> f = new LinkedHashMap<>();
    fields.forEach((k, v) -> {
      if (v != null && !v.isEmpty()) {
        f.put(k, v);
      }
    });
    f.put("signature", UnionPaySignatures.sign(merchant.signKey(), f));
    return f;
  }

  private Future<Map<String, String>> call(String pathOrUrl, Map<String, String> fields) {
    String url = pathOrUrl.startsWith("http") ? pathOrUrl : gatewayUrl + pathOrUrl;
    return signing.sign(() -> UnionPayMessages.form(signed(fields)))
        .compose(body -> http.postAbs(url).putHeader("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
            .sendBuffer(Buffer.buffer(body))
            .recover(e -> Future.failedFuture(new ChannelException("NETWORK", String.valueOf(e.getMessage()), 0, true))))
        .compose(resp -> {
          if (resp.statusCode() != 200) {
            return Future.failedFuture(new ChannelException("HTTP_" + resp.statusCode(), "UnionPay answered " + resp.statusCode(),
                resp.statusCode(), true));
          }
          Buffer answer = resp.bodyAsBuffer();
          // read as text on the signing pool too: a day's settlement file comes in one answer
          return signing.verify(() -> verified(answer == null ? "" : answer.toString(StandardCharsets.UTF_8), fields));
        });
  }

  /**
   * The answer, once signed by UnionPay and about what was asked: its {@code merId} and {@code orderId} are the
   * request's (UnionPay echoes both; {@link AnswerEcho}); an answer saying it succeeded must name both, a refusal may
   * leave them out.
   */
  private Map<String, String> verified(String text, Map<String, String> asked) {
    Map<String, String> a = UnionPayMessages.parseAnswer(text);
    String code = a.getOrDefault("respCode", "");
    boolean signed = merchant.trust().signingKey(a.get("signPubKeyCert"), clock.instant())
        .map(k -> UnionPaySignatures.verify(k, a)).orElse(false);
    if (!signed) {
      // an answer we cannot verify is never taken as final, nor read for its code (a forged 12 or 98 would pass for
      // "refunded already" or "no bill"): it stays retryable
      throw new ChannelException("RESPONSE_NOT_VERIFIED", "the answer (respCode " + (code.isEmpty() ? "none" : code)
          + ") is not signed by a UnionPay certificate", 200, true);
    }
    AnswerEcho.check("unionpay", "merId", merchant.merId(), a.get("merId"), succeeded(code), "WRONG_MERCHANT");
    if (asked.get("orderId") != null) {
      // a settlement file's request names no order
      AnswerEcho.check("unionpay", "orderId", asked.get("orderId"), a.get("orderId"), succeeded(code), "WRONG_ORDER");
    }
    if (!succeeded(code)) {
      throw new ChannelException("UNIONPAY_" + code, a.getOrDefault("respMsg", ""), 200, retryable(code));
    }
    return a;
  }

  /**
   * Whether a respCode says to ask again later rather than that the request was refused: 02 系统未开放或暂时关闭,
   * 06 系统繁忙 and 37 已超过最大查询次数或操作过于频繁 (UnionPay did not take it, for now), 03 交易通讯超时, 04 交易状态未明
   * and 05 交易已受理 (it may have taken it: ask its status), 9x UnionPay's own trouble. The rest are final answers
   * (10-14 the message, 30-44 the merchant or the transaction, 60-82 the card).
   */
  static boolean retryable(String respCode) {
    return switch (respCode) {
      case "02", "03", "04", "05", "06", "37" -> true;
      default -> respCode.startsWith("9");
    };
  }

  static long amount(String fen) {
    try {
      return fen == null || fen.isEmpty() ? 0 : Long.parseLong(fen);
    } catch (NumberFormatException e) {
      throw new ChannelException("MALFORMED_RESPONSE", "txnAmt is not a number of fen", 200, true);
    }
  }

  private static byte[] inflate(String base64) {
    try {
      Inflater inflater = new Inflater();
      inflater.setInput(Base64.getDecoder().decode(base64));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new DataFormatException("truncated");
        }
        out.write(buf, 0, n);
      }
      inflater.end();
      return out.toByteArray();
    } catch (DataFormatException | IllegalArgumentException e) {
      throw new ChannelException("MALFORMED_RESPONSE", "the settlement file does not inflate", 200, true);
    }
  }
}
