package cn.liangxian.gateway.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.policy.IdNumber;
import org.junit.jupiter.api.Test;

/** The masked number's tail: kept sealed, opened where a masked number is shown. */
class IdTailTest {
  static final String ID = "37131219800101108X";
  final PersonalDataCipher cipher = new PersonalDataCipher(bytes(16, 1), bytes(32, 2));

  static byte[] bytes(int n, int fill) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) fill);
    return b;
  }

  @Test
  void theMaskKeptInClearStopsShortOfTheTailAndTheSealedTailOpensToIt() {
    String shown = IdNumber.parse(ID).masked();
    assertThat(shown).isEqualTo("3713**********108X");
    String atRest = PersonalDataCipher.maskedAtRest(shown);
    assertThat(atRest).isEqualTo("3713**************").doesNotContain("108");
    byte[] tail = cipher.sealTail(ID);
    assertThat(tail).hasSize(PersonalDataCipher.TAIL_BYTES);
    assertThat(new String(tail, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("108X");
    assertThat(cipher.masked(atRest, tail)).isEqualTo(shown);
    // a fresh nonce each time: two residents with the same tail do not show it by equal bytes
    assertThat(java.util.Arrays.copyOfRange(cipher.sealTail(ID), 13, 17)).isNotEqualTo(java.util.Arrays.copyOfRange(tail, 13, 17));
    assertThat(cipher.masked(atRest, cipher.sealTail("371312198001011231"))).isEqualTo("3713**********1231");
  }

  /** The tails' key is derived for them: the ID key itself (GCM's) never runs in counter mode over a tail's nonce. */
  @Test
  void theTailIsNotSealedUnderTheIdKeyItself() {
    byte[] tail = cipher.sealTail(ID);
    org.bouncycastle.crypto.engines.SM4Engine sm4 = new org.bouncycastle.crypto.engines.SM4Engine();
    sm4.init(true, new org.bouncycastle.crypto.params.KeyParameter(bytes(16, 1)));
    byte[] block = new byte[16];
    System.arraycopy(tail, 1, block, 0, 12); // after the key's tag, the nonce; the counter 0
    sm4.processBlock(block, 0, block, 0);
    StringBuilder opened = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      opened.append((char) ((tail[13 + i] ^ block[i]) & 0xff));
    }
    assertThat(opened.toString()).isNotEqualTo("108X");
  }

  @Test
  void aRowWithoutASealedTailShowsAsKeptAndOneThatDoesNotOpenShowsStarred() {
    assertThat(cipher.masked("3713**********1231", (byte[]) null)).isEqualTo("3713**********1231");
    String atRest = "3713**************";
    byte[] tail = cipher.sealTail(ID);
    byte[] changed = tail.clone();
    changed[13] ^= (byte) 0x80; // never a digit
    assertThat(cipher.masked(atRest, changed)).isEqualTo(atRest);
    assertThat(cipher.masked(atRest, new byte[0])).isEqualTo(atRest);
    PersonalDataCipher other = new PersonalDataCipher(bytes(16, 3), bytes(32, 2));
    assertThat(other.masked(atRest, tail)).isNotEqualTo("3713**********108X");
  }
}
