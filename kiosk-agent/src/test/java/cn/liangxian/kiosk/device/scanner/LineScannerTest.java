package cn.liangxian.kiosk.device.scanner;

import static org.assertj.core.api.Assertions.assertThat;

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
    long end = System.currentTimeMillis() + 5000;
    while (codes.size() < 4 && System.currentTimeMillis() < end) {
      Thread.sleep(10);
    }
    s.close();
    assertThat(codes).containsExactly("134567890123456789", "https://qr.example/a?b=1", "weixin://x", "last");
  }
}
