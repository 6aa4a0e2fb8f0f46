package cn.liangxian.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The start-up banner lists made-up residents while the demo roster is all there is, and says why once it lists none. */
class BannerTest {
  @Test
  void aBannerWithoutDemoResidentsSaysWhy() throws Exception {
    Map<String, String> env = Map.of("GATEWAY_DEMO_ROSTER", "true");
    try (TestGateway g = new TestGateway(env)) {
      assertThat(Main.banner(g.gateway, TestGateway.options(env), env)).contains("Demo residents to try (made up):")
          .doesNotContain("No demo residents are listed");
      g.importCsv("village-roster.csv", Fixture.ROSTER);
      assertThat(Main.banner(g.gateway, TestGateway.options(env), env)).doesNotContain("Demo residents to try")
          .contains("No demo residents are listed: a roster besides the demo's was imported here", "demo reset");
    }
  }
}
