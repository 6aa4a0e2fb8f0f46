package cn.liangxian.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JourneyTest {
  static final String LOOKUP = """
      {"household":{"ref":"192deab8-ca07-4053-b1d1-90e9205b26a4"},"members":[
        {"ref":"m1","insurances":[{"insurance":"medical","year":2020,"status":"unpaid"},
                                  {"insurance":"pension","year":2019,"status":"unpaid","tiers":[{"tier":100},{"tier":200}]}]},
        {"ref":"m2","insurances":[{"insurance":"medical","year":2020,"status":"paid"},
                                  {"insurance":"pension","year":2019,"status":"paid-by-government"}]},
        {"ref":"m3","insurances":[{"insurance":"medical","year":2020,"status":"unpaid"},
                                  {"insurance":"pension","year":2019,"status":"not-eligible"}]}]}""";

  @Test
  void theOrderCoversWhatIsUnpaidAndAPensionAtItsLowestTier() throws Exception {
    JsonNode o = new ObjectMapper().readTree(Journey.orderBody(LOOKUP, "wechat", "qr"));
    assertThat(o.path("householdRef").asText()).isEqualTo("192deab8-ca07-4053-b1d1-90e9205b26a4");
    assertThat(o.path("channel").asText()).isEqualTo("wechat");
    assertThat(o.has("payerId")).isFalse();
    assertThat(o.path("items")).hasSize(3);
    assertThat(o.path("items").get(0).path("memberRef").asText()).isEqualTo("m1");
    assertThat(o.path("items").get(1).path("tier").asInt()).isEqualTo(100);
    assertThat(o.path("items").get(2).path("memberRef").asText()).isEqualTo("m3");
    assertThat(o.path("items").get(2).has("tier")).isFalse();
  }

  @Test
  void aMiniProgramOrderNamesNoPayerAndAPaidUpFamilyOrdersNothing() throws Exception {
    // the payer is the resident the session names, never a field of the body
    JsonNode mini = new ObjectMapper().readTree(Journey.orderBody(LOOKUP, "alipay", "mini"));
    assertThat(mini.path("mode").asText()).isEqualTo("mini");
    assertThat(mini.has("payerId")).isFalse();
    assertThat(Journey.orderBody(LOOKUP.replace("\"unpaid\"", "\"paid\""), "wechat", "qr")).isNull();
  }

  @Test
  void lookupBodiesAreEscapedJson() throws Exception {
    JsonNode b = new ObjectMapper().readTree(Journey.lookupBody("43110319651223611X", "高\"兰秀"));
    assertThat(b.path("name").asText()).isEqualTo("高\"兰秀");
  }
}
