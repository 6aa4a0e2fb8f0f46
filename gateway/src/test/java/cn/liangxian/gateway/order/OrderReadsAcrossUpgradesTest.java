package cn.liangxian.gateway.order;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * During a rolling upgrade a newer instance's migration adds a column to orders while this one serves: the status reads
 * residents' phones and kiosks make (prepared on every connection) go on answering, none fails on the new column.
 */
class OrderReadsAcrossUpgradesTest {
  @Test
  void aColumnAddedToOrdersWhileServingBreaksNoStatusRead() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      var o = g.payZhangFamilyMedical(g.lookup(Fixture.ZHANG, "张三"), "wechat");
      String path = "/api/v1/orders/" + o.getString("id");
      for (int i = 0; i < 20; i++) {
        assertThat(g.get(path).statusCode()).isEqualTo(200);
      }
      try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
        st.execute("alter table orders add column a_later_versions_column text");
      }
      for (int i = 0; i < 20; i++) {
        HttpResponse<Buffer> r = g.get(path);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getString("state")).isEqualTo("PAID");
      }
    }
  }
}
