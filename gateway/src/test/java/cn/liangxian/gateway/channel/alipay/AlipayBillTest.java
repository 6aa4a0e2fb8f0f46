package cn.liangxian.gateway.channel.alipay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

class AlipayBillTest {
  static final String CSV = """
      #支付宝业务明细查询
      #账号：[20881234567890120156]
      #起始日期：[2019年12月15日 00:00:00]   终止日期：[2019年12月16日 00:00:00]
      #-----------------------------------------业务明细列表----------------------------------------
      支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注
      2019121522001411111111111111	,LX20191215000002	,交易,城乡居民医疗保险 2020,2019-12-15 10:20:30,2019-12-15 10:20:45,,,,,131****0000,250.00,250.00,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,0.00,0.00,
      2019121522001411111111111112	,LX20191215000003	,退款,城乡居民医疗保险 2020,2019-12-15 11:00:00,2019-12-15 11:00:05,,,,,131****0000,-360.00,-360.00,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,LX20191215000003-R1,0.00,0.00,
      #-----------------------------------------业务明细列表结束------------------------------------
      #交易合计：1笔，商家实收共250.00元，商家优惠共0.00元
      """;

  @Test
  void parsesTheDetailCsvInsideTheZip() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out, AlipayBill.GBK)) {
      zip.putNextEntry(new ZipEntry("20881234567890120156_20191215_业务明细(汇总).csv"));
      zip.write("#汇总\n".getBytes(AlipayBill.GBK));
      zip.putNextEntry(new ZipEntry("20881234567890120156_20191215_业务明细.csv"));
      zip.write(CSV.replace("\t", "").getBytes(AlipayBill.GBK));
    }
    AlipayBill bill = AlipayBill.parseZip(out.toByteArray());
    assertThat(bill.rows()).hasSize(2);
    AlipayBill.Row paid = bill.rows().get(0);
    assertThat(paid.tradeNo()).isEqualTo("2019121522001411111111111111");
    assertThat(paid.outTradeNo()).isEqualTo("LX20191215000002");
    assertThat(paid.type()).isEqualTo("交易");
    assertThat(paid.amountFen()).isEqualTo(25000);
    AlipayBill.Row refund = bill.rows().get(1);
    assertThat(refund.type()).isEqualTo("退款");
    assertThat(refund.amountFen()).isEqualTo(36000);
    assertThat(refund.refundRequestNo()).isEqualTo("LX20191215000003-R1");
  }

  @Test
  void aLineOfAnotherTypeOrWithoutAnAmountIsKeptWithWhatIsWrongNotTheWholeBillRefused() {
    String csv = CSV.replace("\t", "");
    String paid = csv.lines().filter(l -> l.contains(",交易,")).findFirst().orElseThrow();
    String frozen = paid.replace(",交易,", ",冻结,").replace("LX20191215000002", "LX20191215000005");
    String garbled = paid.replace("250.00,250.00", "25O.00,25O.00").replace("LX20191215000002", "LX20191215000006");
    AlipayBill bill = AlipayBill.parseCsv(csv.replace(paid, paid + "\n" + frozen + "\n" + garbled));
    assertThat(bill.rows()).hasSize(4);
    assertThat(bill.rows().get(0).problem()).isNull();
    assertThat(bill.rows().get(1).problem()).contains("冻结");
    assertThat(bill.rows().get(1).outTradeNo()).isEqualTo("LX20191215000005");
    assertThat(bill.rows().get(2).problem()).contains("25O.00");
    assertThat(bill.rows().get(3).refund()).isTrue();
    assertThat(bill.rows().get(3).problem()).isNull();
  }

  @Test
  void aFileWithoutTheColumnsIsRefused() {
    assertThatThrownBy(() -> AlipayBill.parseCsv("#only comments\n")).hasMessageContaining("no header");
    assertThatThrownBy(() -> AlipayBill.parseCsv("a,b,c\n1,2,3\n")).hasMessageContaining("lacks");
  }
}
