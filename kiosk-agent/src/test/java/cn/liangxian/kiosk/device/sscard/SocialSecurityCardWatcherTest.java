package cn.liangxian.kiosk.device.sscard;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.kiosk.Await;
import cn.liangxian.kiosk.LogLines;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.smartcardio.ATR;
import javax.smartcardio.Card;
import javax.smartcardio.CardChannel;
import javax.smartcardio.CardException;
import javax.smartcardio.CardTerminal;
import org.junit.jupiter.api.Test;

/** A reader missing (pcscd down, unplugged) is a fault, and is found again once it is back, without a restart. */
class SocialSecurityCardWatcherTest {

  @Test
  void aReaderMissingAtStartOrUnpluggedIsAFaultAndIsFoundAgain() throws Exception {
    FakeTerminal reader = new FakeTerminal("ACS ACR39U ICC Reader 00 00");
    FakeTerminal other = new FakeTerminal("Generic Smart Card Reader 01 00");
    Pcscd pcscd = new Pcscd(reader, other);
    List<String> read = new CopyOnWriteArrayList<>();
    try (SocialSecurityCardWatcher w = new SocialSecurityCardWatcher(pcscd, "ACR39", Duration.ofMillis(10),
        (ssn, name) -> read.add(ssn + " " + name)).start()) {
      Await.until(() -> !w.healthy());

      pcscd.plugged = false; // pcscd up, the reader not plugged in
      pcscd.running = true;
      // looked for again, twice, with pcscd up: still a fault, for the reader is missing
      int before = pcscd.looks;
      Await.until(() -> pcscd.looks > before + 1);
      assertThat(w.healthy()).isFalse();

      pcscd.plugged = true;
      Await.until(w::healthy);
      reader.insert();
      Await.until(() -> read.size() == 1);
      assertThat(read).containsExactly("371312196205108490 潘威");

      reader.remove();
      pcscd.plugged = false;
      reader.unplugged = true;
      Await.until(() -> !w.healthy());
      reader.unplugged = false;
      pcscd.plugged = true;
      Await.until(w::healthy);
      reader.insert();
      Await.until(() -> read.size() == 2);
    }
  }

  /**
   * A card left in the reader while it is unplugged and plugged back (or pcscd restarts) is not read again: the next
   * session would show the last resident's household. Taken out and put back, it is read.
   */
  @Test
  void aCardLeftInTheReaderAcrossAFaultIsNotReadAgain() throws Exception {
    FakeTerminal reader = new FakeTerminal("ACS ACR39U ICC Reader 00 00");
    Pcscd pcscd = new Pcscd(reader, new FakeTerminal("Generic Smart Card Reader 01 00"));
    pcscd.running = true;
    pcscd.plugged = true;
    List<String> read = new CopyOnWriteArrayList<>();
    try (LogLines log = new LogLines(SocialSecurityCardWatcher.class);
        SocialSecurityCardWatcher w = new SocialSecurityCardWatcher(pcscd, "ACR39", Duration.ofMillis(10),
            (ssn, name) -> read.add(ssn)).start()) {
      reader.insert();
      Await.until(() -> read.size() == 1);

      pcscd.plugged = false; // unplugged with the card in it
      reader.unplugged = true;
      Await.until(() -> !w.healthy());
      reader.unplugged = false;
      pcscd.plugged = true;
      Await.until(() -> reader.connects == 2 && reader.absentWaits > 0); // the card read, and waited on to leave
      assertThat(read).as("not handed on again").hasSize(1);
      assertThat(log.contains("still in it")).isTrue();
      assertThat(log.contains("371312196205108490")).as("no number logged").isFalse();

      reader.remove();
      Await.until(() -> reader.presentWaits > 0); // seen empty
      reader.insert();
      Await.until(() -> read.size() == 2);
    }
  }

  /** pcscd: its readers, while it runs. */
  static final class Pcscd implements SocialSecurityCardWatcher.Terminals {
    final FakeTerminal reader;
    final FakeTerminal other;
    volatile boolean running;
    volatile boolean plugged;
    volatile int looks;

    Pcscd(FakeTerminal reader, FakeTerminal other) {
      this.reader = reader;
      this.other = other;
    }

    @Override
    public List<CardTerminal> list() throws CardException {
      looks++;
      if (!running) {
        throw new CardException("list() failed", new Exception("SCARD_E_NO_SERVICE"));
      }
      return plugged ? List.of(other, reader) : List.of(other);
    }
  }

  static final class FakeTerminal extends CardTerminal {
    private final String name;
    private boolean present;
    volatile boolean unplugged;
    /** Cards connected to; waits for the card to leave, and waits that found none, since the last connect. */
    volatile int connects;
    volatile int absentWaits;
    volatile int presentWaits;

    FakeTerminal(String name) {
      this.name = name;
    }

    synchronized void insert() {
      present = true;
      notifyAll();
    }

    synchronized void remove() {
      present = false;
      notifyAll();
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public Card connect(String protocol) {
      connects++;
      absentWaits = 0;
      presentWaits = 0;
      return new Card() {
        @Override
        public ATR getATR() {
          return new ATR(new byte[] {0x3B, 0x00});
        }

        @Override
        public String getProtocol() {
          return "T=1";
        }

        @Override
        public CardChannel getBasicChannel() {
          return new SimulatedCardChannel("371312196205108490", "潘威");
        }

        @Override
        public CardChannel openLogicalChannel() {
          throw new UnsupportedOperationException();
        }

        @Override
        public void beginExclusive() {
        }

        @Override
        public void endExclusive() {
        }

        @Override
        public byte[] transmitControlCommand(int controlCode, byte[] command) {
          throw new UnsupportedOperationException();
        }

        @Override
        public void disconnect(boolean reset) {
        }
      };
    }

    @Override
    public synchronized boolean isCardPresent() {
      return present;
    }

    @Override
    public synchronized boolean waitForCardPresent(long timeout) throws CardException {
      boolean there = waitFor(true, timeout);
      if (!there) {
        presentWaits++;
      }
      return there;
    }

    @Override
    public synchronized boolean waitForCardAbsent(long timeout) throws CardException {
      boolean gone = waitFor(false, timeout);
      absentWaits++;
      return gone;
    }

    /** Until the card is (or is not) there, or the timeout; a notify is what moves it, not the time. */
    private boolean waitFor(boolean there, long timeout) throws CardException {
      if (unplugged) {
        throw new CardException("SCardGetStatusChange failed", new Exception("SCARD_E_READER_UNAVAILABLE"));
      }
      if (present != there) {
        try {
          wait(Math.min(timeout, 20));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CardException("interrupted");
        }
      }
      return present == there;
    }
  }
}
