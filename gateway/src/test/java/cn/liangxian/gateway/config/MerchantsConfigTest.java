package cn.liangxian.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.gateway.support.TestGateway;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Collecting bodies' merchants are read as strictly as the rest: a mistyped key or a region nobody has stops the start. */
class MerchantsConfigTest {
  static String shipped() throws Exception {
    return Files.readString(TestGateway.repo().resolve("config/gateway.yaml"));
  }

  static String with(String merchants) throws Exception {
    return shipped().replace("  merchants: []\n", "  merchants:\n" + merchants);
  }

  @Test
  void aBodyMapsItsRegionsToItsOwnMerchants() throws Exception {
    GatewayOptions o = GatewayOptions.fromYaml(with("""
            - name: rugao
              regions: ["320682"]
              wechat: {mchid: "1900000002", appId: wxrugao0000000002}
              alipay: {appId: "2021000000000002", sellerId: "2088000000000002"}
        """), Map.of());
    assertThat(o.merchants()).singleElement().satisfies(m -> {
      assertThat(m.regions()).containsExactly("320682");
      assertThat(m.wechat().mchid()).isEqualTo("1900000002");
      assertThat(m.alipay().sellerId()).isEqualTo("2088000000000002");
    });
    assertThat(GatewayOptions.fromYaml(shipped(), Map.of()).merchants()).isEmpty();
  }

  @Test
  void anUnknownKeyStopsTheStartNamingIt() {
    assertThatThrownBy(() -> GatewayOptions.fromYaml(with("""
            - name: rugao
              regions: ["320682"]
              wechat: {mchid: "1900000002", appId: wx2, mchId: "1900000002"}
        """), Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("channels.merchants[0].wechat.mchId is not a setting");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(with("""
            - name: rugao
              region: ["320682"]
              wechat: {mchid: "1900000002", appId: wx2}
        """), Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("channels.merchants[0].regions");
  }

  @Test
  void regionsAndMerchantsBelongToOneBodyEach() {
    assertThatThrownBy(() -> GatewayOptions.fromYaml(with("""
            - name: nowhere
              regions: ["110101"]
              wechat: {mchid: "1900000002", appId: wx2}
        """), Map.of())).hasMessageContaining("channels.merchants[0].regions: 110101 is not a configured region");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(with("""
            - name: a
              regions: ["320682"]
              wechat: {mchid: "1900000002", appId: wx2}
            - name: b
              regions: ["320682"]
              alipay: {appId: "2021000000000003"}
        """), Map.of())).hasMessageContaining("320682 is collected by a already");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(with("""
            - name: a
              regions: ["320682"]
        """), Map.of())).hasMessageContaining("channels.merchants[0].wechat");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(with("""
            - name: a
              regions: ["320682"]
              unionpay: {merId: "777290058110077", signKey: x.pem}
        """), Map.of())).hasMessageContaining("channels.merchants[0].unionpay.signKey is not a setting");
  }
}
