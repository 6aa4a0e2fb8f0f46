package cn.liangxian.gateway.channel.alipay;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.Vectors;
import cn.liangxian.channel.alipay.AlipaySignatures;
import java.security.KeyPair;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A notification Alipay really signed, but for another app or another seller, is refused and never applied; so is
 * one sent long ago.
 */
class AlipaySellerTest {
  static final KeyPair app = Vectors.rsa();
  static final KeyPair alipay = Vectors.rsa();
  static final AlipayMerchant MERCHANT = new AlipayMerchant("2021000000000001", app.getPrivate(), alipay.getPublic(),
      "2088000000000001");
  /** Our clock a minute after the notifications below were sent (10:21 Beijing time). */
  static final Instant NOW = Instant.parse("2019-12-15T02:22:00Z");

  static Map<String, String> signed(String appId, String sellerId) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("notify_time", "2019-12-15 10:21:00");
    f.put("notify_id", "n1");
    f.put("app_id", appId);
    if (sellerId != null) {
      f.put("seller_id", sellerId);
    }
    f.put("out_trade_no", "0123456789abcdef0123456789abcdef");
    f.put("trade_no", "2019121522001");
    f.put("trade_status", "TRADE_SUCCESS");
    f.put("total_amount", "250.00");
    f.put("sign_type", "RSA2");
    f.put("sign", AlipaySignatures.signNotification(alipay.getPrivate(), f));
    return f;
  }

  @Test
  void theConfiguredAppAndSellerAreApplied() {
    assertThat(AlipayNotification.verify(MERCHANT, signed("2021000000000001", "2088000000000001"), NOW))
        .isInstanceOf(AlipayNotification.Verified.class);
  }

  @Test
  void anotherSellerIsRefused() {
    assertThat(AlipayNotification.verify(MERCHANT, signed("2021000000000001", "2088999999999999"), NOW))
        .isEqualTo(new AlipayNotification.Rejected(AlipayNotification.Rejection.WRONG_SELLER, "seller_id 2088999999999999"));
    assertThat(AlipayNotification.verify(MERCHANT, signed("2021000000000001", null), NOW))
        .isInstanceOf(AlipayNotification.Rejected.class);
  }

  @Test
  void anotherAppIsRefused() {
    assertThat(AlipayNotification.verify(MERCHANT, signed("2021000000000099", "2088000000000001"), NOW))
        .extracting(n -> ((AlipayNotification.Rejected) n).reason()).isEqualTo(AlipayNotification.Rejection.WRONG_APP);
  }

  @Test
  void anIsvsNotificationMustNameTheAuthorizingApp() {
    AlipayMerchant isv = new AlipayMerchant("2021000000000001", app.getPrivate(), alipay.getPublic(), "2088000000000001",
        "2021000000000009", "202512BBtoken");
    Map<String, String> forMerchant = signed("2021000000000001", "2088000000000001");
    forMerchant.remove("sign");
    forMerchant.put("auth_app_id", "2021000000000009");
    forMerchant.put("sign", AlipaySignatures.signNotification(alipay.getPrivate(), forMerchant));
    assertThat(AlipayNotification.verify(isv, forMerchant, NOW)).isInstanceOf(AlipayNotification.Verified.class);
    Map<String, String> forAnother = new LinkedHashMap<>(forMerchant);
    forAnother.remove("sign");
    forAnother.put("auth_app_id", "2021000000000010");
    forAnother.put("sign", AlipaySignatures.signNotification(alipay.getPrivate(), forAnother));
    assertThat(AlipayNotification.verify(isv, forAnother, NOW)).extracting(n -> ((AlipayNotification.Rejected) n).reason())
        .isEqualTo(AlipayNotification.Rejection.WRONG_APP);
    assertThat(isv.toString()).doesNotContain("token");
  }

  @Test
  void withoutAConfiguredSellerOnlyTheAppIsChecked() {
    AlipayMerchant noSeller = new AlipayMerchant("2021000000000001", app.getPrivate(), alipay.getPublic());
    assertThat(AlipayNotification.verify(noSeller, signed("2021000000000001", "2088999999999999"), NOW))
        .isInstanceOf(AlipayNotification.Verified.class);
  }

  /** Alipay's trade number names the payment: one without it would be a second payment at every re-delivery. */
  @Test
  void aPaymentWithoutAlipaysTradeNumberIsRefused() {
    Map<String, String> f = signed("2021000000000001", "2088000000000001");
    f.remove("trade_no");
    f.put("sign", AlipaySignatures.signNotification(alipay.getPrivate(), f));
    assertThat(AlipayNotification.verify(MERCHANT, f, NOW)).extracting(n -> ((AlipayNotification.Rejected) n).reason())
        .isEqualTo(AlipayNotification.Rejection.MISSING_FIELDS);
  }

  /**
   * A notification is taken while its notify_time is fresh: up to two days old (every re-delivery of Alipay's 25-hour
   * schedule, even one that kept the first delivery's time) and a few minutes ahead; an older one, kept and posted
   * again, is refused before its signature is checked, as is one without a time.
   */
  @Test
  void aNotificationIsTakenOnlyWhileItsNotifyTimeIsFresh() {
    Map<String, String> f = signed("2021000000000001", "2088000000000001");
    assertThat(AlipayNotification.verify(MERCHANT, f, NOW.plus(AlipayNotification.MAX_AGE).minusSeconds(61)))
        .isInstanceOf(AlipayNotification.Verified.class);
    assertThat(AlipayNotification.verify(MERCHANT, f, NOW.plus(AlipayNotification.MAX_AGE)))
        .extracting(n -> ((AlipayNotification.Rejected) n).reason()).isEqualTo(AlipayNotification.Rejection.STALE_TIMESTAMP);
    assertThat(AlipayNotification.verify(MERCHANT, f, NOW.minus(AlipayNotification.MAX_AHEAD)))
        .isInstanceOf(AlipayNotification.Verified.class);
    assertThat(AlipayNotification.verify(MERCHANT, f, NOW.minus(AlipayNotification.MAX_AHEAD).minusSeconds(61)))
        .extracting(n -> ((AlipayNotification.Rejected) n).reason()).isEqualTo(AlipayNotification.Rejection.STALE_TIMESTAMP);

    f.put("notify_time", "yesterday");
    f.put("sign", AlipaySignatures.signNotification(alipay.getPrivate(), f));
    assertThat(AlipayNotification.verify(MERCHANT, f, NOW)).extracting(n -> ((AlipayNotification.Rejected) n).reason())
        .isEqualTo(AlipayNotification.Rejection.STALE_TIMESTAMP);
    f.remove("notify_time");
    f.put("sign", AlipaySignatures.signNotification(alipay.getPrivate(), f));
    assertThat(AlipayNotification.verify(MERCHANT, f, NOW)).extracting(n -> ((AlipayNotification.Rejected) n).reason())
        .isEqualTo(AlipayNotification.Rejection.MISSING_FIELDS);
  }
}
