package cn.liangxian.gateway.http;

import java.util.Map;

/**
 * What a resident reads when a request of theirs is refused: a Chinese title and a plain Chinese detail per
 * problem type. The {@code type} stays the stable English URL for programs; the English detail stays for
 * developers ({@code developerDetail}) and the logs. A problem that knows more (whose insurance, which
 * member) carries its own Chinese detail ({@link Problem#resident(String)}).
 */
public final class ResidentTexts {
  private ResidentTexts() {}

  /** slug → {title, detail}. */
  static final Map<String, String[]> TEXTS = Map.ofEntries(
      Map.entry("invalid-id-number", t("身份证号有误", "身份证号有误，请逐位核对（18位，最后一位可能是X）")),
      Map.entry("household-not-found", t("未查到参保信息", "没有查到这个身份证号和姓名，请核对；仍查不到请联系村里的协办员")),
      Map.entry("region-not-served", t("暂不能办理", "您所在地区暂未开通网上缴费，请到村（社区）办理")),
      Map.entry("rate-limited", t("查询太频繁", "查询太频繁，请稍后再试")),
      Map.entry("unknown-member", t("家庭成员不符", "所选人员不在这个家庭中，请重新查询后再缴费")),
      Map.entry("not-offered", t("本地不收这项保险", "本地不收取这项保险，请重新查询")),
      Map.entry("wrong-year", t("缴费年度不对", "这个年度现在不能缴费，请重新查询后选择可缴的年度")),
      Map.entry("not-payable", t("不能缴费", "该人员本年度不能缴这项保险费")),
      Map.entry("already-paid", t("已经缴过费", "所选人员本年度已缴费，无需再缴")),
      Map.entry("being-paid-elsewhere", t("正在别处缴费", "所选人员正在另一笔订单中缴费，请等它完成，或15分钟后再试")),
      Map.entry("pay-day-ending", t("今天的缴费时间快到了", "24点以后缴费，金额或参保生效日期会不同，现在已来不及付完，请在24点以后重新缴费")),
      Map.entry("order-being-prepared", t("正在生成付款码", "订单正在生成付款码，请稍等一两秒再试")),
      Map.entry("paid-by-government", t("无需缴费", "所选人员的个人缴费由政府代缴，无需缴费")),
      Map.entry("whole-family", t("须全家一起缴费", "本地规定须全家一起缴费，请把尚未缴费的家庭成员都选上")),
      Map.entry("idempotency-key-required", t("页面出了点问题", "页面出了点问题，请重新打开缴费页面")),
      Map.entry("idempotency-key-reused", t("请求重复", "这次请求与之前的不同，请重新打开缴费页面")),
      Map.entry("order-not-found", t("没有这笔订单", "没有找到这笔订单，请重新查询")),
      Map.entry("not-cancellable", t("订单不能取消", "这笔订单已支付或已结束，不能取消")),
      Map.entry("code-still-payable", t("付款码到时才失效", "这个付款码到时才失效，在此以前仍然可以付款。如果不付款，订单到时会自动取消，不会扣款。")),
      Map.entry("not-paid", t("尚未支付", "这笔订单还没有支付成功，暂无缴费凭证")),
      Map.entry("receipt-not-found", t("没有这张凭证", "没有查到这张缴费凭证，请核对凭证号")),
      Map.entry("channel-unavailable", t("支付暂不可用", "支付渠道暂时没有响应，没有扣款，请稍后再试")),
      Map.entry("order-not-confirmed", t("订单暂未确认", "订单暂时没能确认，请稍等片刻再试")),
      Map.entry("invalid-request", t("填写有误", "提交的内容有误，请返回重新操作")),
      Map.entry("malformed-json", t("提交的内容有误", "提交的内容格式有误，请返回重新操作")),
      Map.entry("malformed-body", t("提交的内容有误", "提交的内容无法识别，请返回重新操作")),
      Map.entry("malformed-request", t("请求有误", "请求无法识别，请返回重新操作")),
      Map.entry("bad-request", t("请求有误", "请求无法识别，请返回重新操作")),
      Map.entry("client-error", t("请求未被受理", "请求未被受理，请返回重新操作")),
      Map.entry("no-such-route", t("页面不存在", "没有这个页面，请返回首页")),
      Map.entry("method-not-allowed", t("操作不支持", "不支持这种操作，请返回首页")),
      Map.entry("body-too-large", t("提交的内容太多", "提交的内容太多，请减少后再试")),
      Map.entry("unsupported-media-type", t("提交的内容有误", "提交的内容格式不对，请返回重新操作")),
      Map.entry("uri-too-long", t("请求有误", "地址太长，请返回首页")),
      Map.entry("headers-too-large", t("请求有误", "请求太大，请返回首页")),
      Map.entry("refunded-at-channel", t("付款已经退回", "这笔款已原路退回，不用再取消；如需缴费，请重新下单。")),
      Map.entry("payment-processing", t("付款正在处理中", "这笔订单的付款正在处理中，不能取消；请稍后查看结果。如付款没有成功，不会扣款。")),
      Map.entry("login-required", t("请先登录", "请在微信或支付宝小程序里登录后再试")),
      Map.entry("login-code-refused", t("登录没有成功，请重新进入小程序", "登录凭证无效、已使用或已过期，请关闭小程序后重新进入。")),
      Map.entry("session-expired", t("登录已过期，请重新进入小程序", "登录已过期，请关闭小程序后重新进入。")),
      Map.entry("kiosk-unauthorized", t("本机暂不能办理", "本机未通过验证，暂不能办理，请联系工作人员")),
      Map.entry("unavailable", t("系统繁忙", "系统暂时繁忙，请稍等几秒再试")),
      Map.entry("busy", t("缴费人数较多", "现在缴费人数较多，请稍后再试")),
      Map.entry("bodies-busy", t("系统正忙", "系统正忙，请稍后再试")),
      Map.entry("request-timeout", t("请求超时", "请求超时，请重试")),
      Map.entry("client-closed", t("请求已中断", "连接已中断，请重新操作")),
      Map.entry("internal", t("系统出错", "系统出错，本次操作没有生效，请稍后再试")));

  private static String[] t(String title, String detail) {
    return new String[] {title, detail};
  }

  /** The routes residents' kiosks, phones and browsers call; operators' tools, channels and kiosks' own calls answer in English. */
  public static boolean residentFacing(String path) {
    if (path == null) {
      return false;
    }
    return path.startsWith("/api/v1/lookup") || path.startsWith("/api/v1/orders") || path.startsWith("/api/v1/session")
        || path.startsWith("/r/") || path.startsWith("/demo");
  }

  static String title(String slug) {
    String[] t = TEXTS.get(slug);
    return t == null ? "暂时无法办理" : t[0];
  }

  static String detail(String slug) {
    String[] t = TEXTS.get(slug);
    return t == null ? "暂时无法办理，请联系工作人员" : t[1];
  }

  /**
   * How long to wait before trying again, in the resident's words (what Retry-After says in seconds): 请N秒后再试 under a
   * minute, else whole minutes, rounded up so that a resident who waits as told is let in.
   */
  public static String retryIn(long seconds) {
    long s = Math.max(1, seconds);
    return s < 60 ? "请" + s + "秒后再试" : "请" + (s + 59) / 60 + "分钟后再试";
  }

  /** True when the text has a CJK character: it was written for residents. */
  public static boolean chinese(String s) {
    return s != null && s.codePoints().anyMatch(c -> c >= 0x4E00 && c <= 0x9FFF);
  }
}
