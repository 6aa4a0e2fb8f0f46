package cn.liangxian.kiosk.device.sscard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.smartcardio.Card;
import javax.smartcardio.CardChannel;
import javax.smartcardio.CardException;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;
import org.junit.jupiter.api.Test;

class SocialSecurityCardAppTest {

  @Test
  void selectsTheApplicationAndReadsNumberAndName() throws CardException {
    SocialSecurityCard c = SocialSecurityCardApp.read(new SimulatedCardChannel("371312196205108490", "潘威"));
    assertThat(c.ssn()).isEqualTo("371312196205108490");
    assertThat(c.name()).isEqualTo("潘威");
    assertThat(c.toString()).doesNotContain("371312196205108490").doesNotContain("潘威");
  }

  @Test
  void theSimulatedCardRefusesWhatARealOneRefuses() {
    SimulatedCardChannel ch = new SimulatedCardChannel("371312196205108490", "潘威");
    // READ RECORD before SELECT: 6985, conditions of use not satisfied
    assertThat(ch.transmit(new CommandAPDU(0x00, 0xB2, 0x01, 0x34, 256)).getSW()).isEqualTo(0x6985);
    // another application: 6A82, not found
    assertThat(ch.transmit(new CommandAPDU(0x00, 0xA4, 0x04, 0x00, new byte[] {1, 2, 3}, 256)).getSW()).isEqualTo(0x6A82);
  }

  @Test
  void aCardWithoutTheApplicationIsReported() {
    CardChannel other = new CardChannel() {
      @Override
      public ResponseAPDU transmit(CommandAPDU c) {
        return new ResponseAPDU(new byte[] {0x6A, (byte) 0x82});
      }

      @Override
      public int transmit(java.nio.ByteBuffer c, java.nio.ByteBuffer r) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Card getCard() {
        return null;
      }

      @Override
      public int getChannelNumber() {
        return 0;
      }

      @Override
      public void close() {
      }
    };
    assertThatThrownBy(() -> SocialSecurityCardApp.read(other)).isInstanceOf(CardException.class).hasMessageContaining("6a82");
  }
}
