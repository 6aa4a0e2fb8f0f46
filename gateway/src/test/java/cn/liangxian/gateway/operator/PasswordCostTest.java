package cn.liangxian.gateway.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import cn.liangxian.gateway.Gateway;
import cn.liangxian.gateway.support.LogCapture;
import cn.liangxian.gateway.support.TestGateway;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * How operators' passwords are hashed is configured (operator.passwordMemoryKiB, operator.passwordIterations): OWASP's
 * minimum unless raised; lowered, the gateway says so at every start.
 */
class PasswordCostTest {

  @Test
  void theDefaultsAreOwaspsMinimumAndARaisedCostAppliesToNewHashes() throws Exception {
    // the repository's configuration with nothing set: the product's defaults
    assertThat(PasswordHasher.configured(TestGateway.options(Map.of())).hash("a-password-long-enough"))
        .startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    PasswordHasher raised = PasswordHasher.configured(TestGateway.options(Map.of("GATEWAY_OPERATOR_PASSWORD_MEMORY_KIB", "24576",
        "GATEWAY_OPERATOR_PASSWORD_ITERATIONS", "3")));
    String hash = raised.hash("a-password-long-enough");
    assertThat(hash).startsWith("$argon2id$v=19$m=24576,t=3,p=1$");
    assertThat(raised.belowOwaspMinimum()).isFalse();
    // OWASP's equal settings are no less than its minimum; less memory for the passes is
    assertThat(new PasswordHasher(12_288, 3, 1).belowOwaspMinimum()).isFalse();
    assertThat(new PasswordHasher(47_104, 1, 1).belowOwaspMinimum()).isFalse();
    assertThat(new PasswordHasher(19_456, 1, 1).belowOwaspMinimum()).isTrue();
    assertThat(new PasswordHasher(1024, 1, 1).belowOwaspMinimum()).isTrue();
    // a hash keeps its own parameters: one made before the change still verifies, under either setting
    String older = new PasswordHasher().hash("another-password-long");
    assertThat(raised.verify("another-password-long", older)).isTrue();
    assertThat(new PasswordHasher().verify("a-password-long-enough", hash)).isTrue();
    assertThat(raised.verify("a-password-long-enougH", hash)).isFalse();
    // a hash made weaker than the setting is made again at its next login; one made stronger is kept
    assertThat(raised.outdated(older)).isTrue();
    assertThat(new PasswordHasher().outdated(hash)).isFalse();
    assertThat(new PasswordHasher(1024, 1, 1).outdated(older)).isFalse();
    // fewer passes alone is weaker too
    assertThat(new PasswordHasher(1024, 2, 1).outdated(new PasswordHasher(1024, 1, 1).hash("a-password-long-enough"))).isTrue();
  }

  @Test
  void aCostOutOfRangeStopsTheStartNamingItsSetting() throws Exception {
    assertThatThrownBy(() -> TestGateway.options(Map.of("GATEWAY_OPERATOR_PASSWORD_ITERATIONS", "0")))
        .hasMessageContaining("passwordIterations").hasMessageContaining("GATEWAY_OPERATOR_PASSWORD_ITERATIONS");
    assertThatThrownBy(() -> TestGateway.options(Map.of("GATEWAY_OPERATOR_PASSWORD_MEMORY_KIB", "lots")))
        .hasMessageContaining("passwordMemoryKiB");
    // the most the setting allows is the most a stored hash may name and still log in with, and no more
    assertThatThrownBy(() -> TestGateway.options(Map.of("GATEWAY_OPERATOR_PASSWORD_MEMORY_KIB",
        Integer.toString(PasswordHasher.MAX_MEMORY_KIB + 1)))).hasMessageContaining("passwordMemoryKiB");
    var most = TestGateway.options(Map.of("GATEWAY_OPERATOR_PASSWORD_MEMORY_KIB", Integer.toString(PasswordHasher.MAX_MEMORY_KIB)));
    PasswordHasher atMost = PasswordHasher.configured(most, 16L * 1024 * 1024 * 1024);
    assertThat(atMost.outdated("$argon2id$v=19$m=" + PasswordHasher.MAX_MEMORY_KIB + ",t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"))
        .as("a hash at the setting's most is read, not taken for a foreign string").isFalse();
    // in range, but more than the heap can give the hashes that may run at once: refused before anything is hashed
    var big = TestGateway.options(Map.of("GATEWAY_OPERATOR_PASSWORD_MEMORY_KIB", "1048576"));
    long heap = 3L * 1024 * 1024 * 1024;
    assertThatThrownBy(() -> PasswordHasher.configured(big, heap)).isInstanceOf(cn.liangxian.gateway.config.ConfigException.class)
        .hasMessageContaining("operator.passwordMemoryKiB").hasMessageContaining("GATEWAY_OPERATOR_PASSWORD_MEMORY_KIB")
        .hasMessageContaining("2048 MiB").hasMessageContaining("3072 MiB");
    assertThat(PasswordHasher.configured(big, 4L * 1024 * 1024 * 1024).parameters()).as("with a heap twice their need")
        .isEqualTo("m=1048576 KiB, t=2, p=1");
  }

  @Test
  void aGatewayHashingBelowTheMinimumSaysSoAtItsStartAndAtTheMinimumSaysNothing() throws Exception {
    ListAppender<ILoggingEvent> logs = LogCapture.appender();
    Logger gateway = (Logger) LoggerFactory.getLogger(Gateway.class);
    gateway.addAppender(logs);
    try {
      try (TestGateway cheap = new TestGateway()) { // the tests' cost: below the minimum
        assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
            .contains("below OWASP's minimum").contains("m=1024 KiB, t=1").contains("operator.passwordMemoryKiB"));
      }
      logs.list.clear();
      try (TestGateway product = new TestGateway(TestGateway.PRODUCT_PASSWORD_HASHING)) {
        assertThat(logs.list).noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains("OWASP"));
      }
    } finally {
      gateway.detachAppender(logs);
    }
  }
}
