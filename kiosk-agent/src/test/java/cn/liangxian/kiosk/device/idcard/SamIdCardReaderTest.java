package cn.liangxian.kiosk.device.idcard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.kiosk.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SamIdCardReaderTest {

  static final IdCard CARD = new IdCard("潘威", "男", "01", "19620510", "山东省临沂市河东区九曲街道", "371312196205108490",
      "临沂市公安局河东分局", "20150101", "长期");

  SamSimulator sim;
  SamIdCardReader reader;

  @BeforeEach
  void start() throws IOException {
    sim = new SamSimulator(0);
    reader = new SamIdCardReader(() -> SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), sim.port())));
  }

  @AfterEach
  void stop() throws IOException {
    reader.close();
    sim.close();
  }

  @Test
  void noCardNoRead() throws IOException {
    assertThat(reader.poll()).isEmpty();
  }

  @Test
  void aCardIsReadOnceUntilItLeavesTheReader() throws IOException {
    sim.place(CARD);
    assertThat(reader.poll()).contains(CARD);
    assertThat(reader.poll()).isEmpty();
    assertThat(reader.poll()).isEmpty();
    sim.remove();
    assertThat(reader.poll()).isEmpty();
    sim.place(CARD);
    assertThat(reader.poll()).contains(CARD);
  }

  @ParameterizedTest
  @EnumSource(value = SamStatus.class, names = {"SELECT_FAILED", "READ_FAILED", "CHECKSUM_ERROR", "LENGTH_ERROR",
      "COMMAND_ERROR", "UNKNOWN"})
  void aFailureStatusOnFindIsReported(SamStatus status) {
    sim.place(CARD);
    sim.failNext(status);
    assertThatThrownBy(reader::poll).isInstanceOfSatisfying(IdCardReaderException.class,
        e -> assertThat(e.status()).isEqualTo(status == SamStatus.UNKNOWN ? SamStatus.UNKNOWN : status));
  }

  @Test
  void selectAndReadFailuresAreReportedAndTheCardIsReadOnTheNextPoll() throws IOException {
    sim.place(CARD);
    sim.failNext(SamStatus.FIND_OK);
    sim.failNext(SamStatus.SELECT_FAILED);
    assertThatThrownBy(reader::poll).isInstanceOfSatisfying(IdCardReaderException.class,
        e -> assertThat(e.status()).isEqualTo(SamStatus.SELECT_FAILED));
    sim.failNext(SamStatus.FIND_OK);
    sim.failNext(SamStatus.OK);
    sim.failNext(SamStatus.READ_FAILED);
    assertThatThrownBy(reader::poll).isInstanceOfSatisfying(IdCardReaderException.class,
        e -> assertThat(e.status()).isEqualTo(SamStatus.READ_FAILED));
    assertThat(reader.poll()).contains(CARD);
  }

  @Test
  void aReaderUnpluggedAndPluggedBackIsReadAgainWithoutARestart() throws IOException {
    assertThat(reader.poll()).isEmpty();
    sim.disconnect();
    sim.place(CARD);
    assertThatThrownBy(reader::poll).isInstanceOf(IOException.class);
    assertThat(reader.poll()).as("a new line to the reader").contains(CARD);
  }

  @Test
  void aReaderFaultStatusIsAFaultNotACardThatMoved() throws Exception {
    sim.failNext(SamStatus.NOT_AUTHORISED);
    assertThatThrownBy(reader::poll).isInstanceOfSatisfying(IdCardReaderException.class, e -> {
      assertThat(e.cardMoved()).isFalse();
      assertThat(e.getMessage()).contains("(66)");
    });
    CopyOnWriteArrayList<IdCard> seen = new CopyOnWriteArrayList<>();
    try (IdCardPoller p = new IdCardPoller(reader, Duration.ofMillis(300), seen::add)) {
      sim.failNext(SamStatus.SELF_TEST_FAILED);
      long before = sim.polls();
      p.start();
      Await.until(() -> sim.polls() > before && !p.healthy());
      sim.place(CARD);
      Await.until(() -> seen.size() == 1 && p.healthy());
    }
  }

  @Test
  void aCorruptAnswerIsAProtocolError() {
    sim.place(CARD);
    sim.corruptNextChecksum();
    assertThatThrownBy(reader::poll).isInstanceOf(SamProtocolException.class).hasMessageContaining("checksum");
  }

  @Test
  void aLineErrorAfterTheCardWasReadDoesNotReadTheSameCardAgain() throws IOException {
    sim.place(CARD);
    assertThat(reader.poll()).contains(CARD);
    sim.corruptNextChecksum();
    assertThatThrownBy(reader::poll).isInstanceOf(SamProtocolException.class);
    assertThat(reader.poll()).as("the card still on the reader, read before the line failed").isEmpty();
    sim.remove();
    assertThat(reader.poll()).isEmpty();
    sim.place(CARD);
    assertThat(reader.poll()).as("placed again after it left").contains(CARD);
  }

  @Test
  void simulatorAnswersBadCommandsWithTheProtocolStatuses() throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), sim.port())) {
      OutputStream out = s.getOutputStream();
      SamFrameReader in = new SamFrameReader(s.getInputStream());
      out.write(SamFrameTest.hex("AA AA AA 96 69 00 03 20 01 23")); // checksum should be 22
      assertThat(SamStatus.of(in.read().statusCode())).isEqualTo(SamStatus.CHECKSUM_ERROR);
      out.write(SamFrameTest.hex("AA AA AA 96 69 00 03 99 01 9B")); // unknown command
      assertThat(SamStatus.of(in.read().statusCode())).isEqualTo(SamStatus.COMMAND_ERROR);
      out.write(SamFrameTest.hex("AA AA AA 96 69 00 00"));
      assertThat(SamStatus.of(in.read().statusCode())).isEqualTo(SamStatus.LENGTH_ERROR);
    }
  }

  @Test
  void pollerNeverPollsFasterThan300msAndDeliversEachPlacement() throws Exception {
    CopyOnWriteArrayList<IdCard> seen = new CopyOnWriteArrayList<>();
    SamIdCardReader r = new SamIdCardReader(() -> SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), sim.port())));
    try (IdCardPoller p = new IdCardPoller(r, Duration.ofMillis(10), seen::add)) {
      assertThat(p.intervalMillis()).isEqualTo(300);
      sim.place(CARD);
      p.start();
      Await.until(() -> seen.size() == 1);
      // two whole polls more with the card still there: it is not read again
      long afterRead = sim.polls();
      Await.until(() -> sim.polls() >= afterRead + 3);
      assertThat(seen).hasSize(1);
      sim.remove();
      // a poll counted after the removal found the reader empty, and the poller has taken its answer in
      long afterRemoval = sim.polls();
      Await.until(() -> sim.polls() >= afterRemoval + 2);
      sim.place(CARD);
      Await.until(() -> seen.size() == 2);
      assertThat(p.healthy()).isTrue();
    }
  }
}
