package cn.liangxian.kiosk.device.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.kiosk.Await;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class LineScannerTest {

  @Test
  void eachLineIsACodeWhateverTheLineEnd() throws Exception {
    String input = "134567890123456789\r\n\r\nhttps://qr.example/a?b=1\rweixin://x\n" + "9".repeat(600) + "\nlast\n";
    List<String> codes = new CopyOnWriteArrayList<>();
    LineScanner s = new LineScanner(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), codes::add).start();
    // codes arrive in order on one thread and the input ends after "last": once it is here, all are
    Await.until(() -> codes.contains("last"), codes::toString);
    s.close();
    assertThat(codes).containsExactly("134567890123456789", "https://qr.example/a?b=1", "weixin://x", "last");
  }
}
