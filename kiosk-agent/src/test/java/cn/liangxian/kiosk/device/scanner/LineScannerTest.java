package cn.liangxian.kiosk.device.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.kiosk.Await;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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

  @Test
  void aSerialLineThatWillNotOpenOrEndsIsAFaultAndIsOpenedAgain() throws Exception {
    AtomicInteger opened = new AtomicInteger();
    AtomicBoolean plugged = new AtomicBoolean();
    List<String> codes = new CopyOnWriteArrayList<>();
    LineScanner s = new LineScanner(() -> {
      if (!plugged.get()) {
        throw new IOException("cannot open serial port");
      }
      // each line gives one code and then ends, as a scanner unplugged would
      return new ByteArrayInputStream(("code" + opened.incrementAndGet() + "\n").getBytes(StandardCharsets.UTF_8));
    }, Duration.ofMillis(10), codes::add).start();
    try {
      Await.until(() -> !s.healthy());
      plugged.set(true);
      Await.until(() -> codes.contains("code3"), codes::toString);
      // a copy: the line keeps opening and giving codes meanwhile, and a view of a list that changes under it throws
      assertThat(List.copyOf(codes).subList(0, 3)).containsExactly("code1", "code2", "code3");
    } finally {
      s.close();
    }
  }
}
