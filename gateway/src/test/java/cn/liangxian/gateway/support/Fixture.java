package cn.liangxian.gateway.support;

/** A small known roster: three households in three regions, special groups included. */
public final class Fixture {
  private Fixture() {}

  public static final String ZHANG = TestGateway.id("371312", "1980-01-01", 123);
  public static final String LI = TestGateway.id("371312", "1982-05-05", 124);
  public static final String GRANNY = TestGateway.id("371312", "1945-03-03", 126);
  public static final String CHILD = TestGateway.id("371312", "2010-03-03", 125);
  public static final String LIU1 = TestGateway.id("431103", "1975-04-04", 131);
  public static final String LIU2 = TestGateway.id("431103", "1977-09-09", 132);
  public static final String CHEN = TestGateway.id("320682", "1985-06-06", 141);

  public static final String ROSTER = String.join("\n",
      "region_code,township,village,household,id_number,name,local,guardian_id_number,guardian_name,guardian_phone,enrolled_elsewhere",
      "371312,汤头街道,汤头村,HD1," + ZHANG + ",张三,true,,,,false",
      "371312,汤头街道,汤头村,HD1," + LI + ",李四,true,,,,false",
      "371312,汤头街道,汤头村,HD1," + GRANNY + ",王奶奶,true,,,,false",
      "371312,汤头街道,汤头村,HD1," + CHILD + ",张小明,true," + ZHANG + ",张三,13800001111,false",
      "431103,黄阳司镇,黄阳司村,LS1," + LIU1 + ",刘一,true,,,,false",
      "431103,黄阳司镇,黄阳司村,LS1," + LIU2 + ",刘二,true,,,,false",
      "320682,如城街道,大明社区,RG1," + CHEN + ",陈一,true,,,,false") + "\n";

  public static final String DEPARTMENTS = String.join("\n",
      "department,category,id_number,name,valid_from,valid_to",
      "民政,DIBAO," + GRANNY + ",王奶奶,2019-01-01,",
      "民政,低保," + LIU2 + ",刘二,2019-01-01,") + "\n";

  /**
   * The fixture on a gateway whose 河东区 (371312) assesses on the test clock's day, not on the pay date the shipped
   * configuration pins for the demo; its configuration written in {@code dir}.
   */
  public static TestGateway hedongOnTheClock(java.nio.file.Path dir) throws Exception {
    java.nio.file.Path config = dir.resolve("gateway.yaml");
    String shipped = java.nio.file.Files.readString(TestGateway.repo().resolve("config/gateway.yaml"));
    String pinned = "{code: \"371312\", book: hedong-2020.yaml, payDate: 2019-12-15}";
    if (!shipped.contains(pinned)) {
      throw new IllegalStateException("the configuration no longer pins 371312's pay date as " + pinned);
    }
    java.nio.file.Files.writeString(config, shipped.replace(pinned, "{code: \"371312\", book: hedong-2020.yaml}"));
    return load(new TestGateway(java.util.Map.of("GATEWAY_CONFIG", config.toString())));
  }

  public static TestGateway load(TestGateway g) {
    var roster = g.importCsv("fixture-roster.csv", ROSTER);
    var departments = g.importCsv("fixture-departments.csv", DEPARTMENTS);
    if (roster.imported() != 7 || departments.imported() != 2) {
      throw new IllegalStateException("fixture did not import: " + roster.summary() + " " + roster.problems() + "; "
          + departments.summary() + " " + departments.problems());
    }
    return g;
  }
}
