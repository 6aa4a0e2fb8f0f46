package cn.liangxian.reliability.faults;

import cn.liangxian.policy.IdNumber;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

/**
 * The fault run's residents: one-person households in 河东区 (371312), adults of working age, as a village
 * roster (imported through the operator API) and as the journeys' list of ID number and name.
 *
 * <pre>Residents &lt;count&gt; &lt;roster.csv&gt; &lt;residents.txt&gt;</pre>
 */
public final class Residents {
  private Residents() {}

  public static void main(String[] args) throws IOException {
    int n = Integer.parseInt(args[0]);
    StringBuilder roster = new StringBuilder(
        "region_code,township,village,household,id_number,name,local,guardian_id_number,guardian_name,guardian_phone,enrolled_elsewhere\n");
    StringBuilder list = new StringBuilder();
    String[] family = {"赵", "钱", "孙", "李", "周", "吴", "郑", "王"};
    String[] given = {"伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇"};
    for (int i = 0; i < n; i++) {
      String body = "371312" + LocalDate.of(1960, 1, 1).plusDays(i * 37L).format(DateTimeFormatter.BASIC_ISO_DATE)
          + String.format("%03d", 100 + i % 800);
      String id = body + IdNumber.checkCharacter(body);
      String name = family[i % family.length] + given[(i / family.length) % given.length] + given[i % given.length];
      roster.append(String.join(",", "371312", "汤头街道", "汤头村", "FR" + i, id, name, "true", "", "", "", "false")).append('\n');
      list.append(id).append(',').append(name).append('\n');
    }
    Files.writeString(Path.of(args[1]), roster, StandardCharsets.UTF_8);
    Files.writeString(Path.of(args[2]), list, StandardCharsets.UTF_8);
  }
}
