package cn.liangxian.kiosk.device.idcard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Frames written out byte by byte from the protocol, checksums worked by hand. */
class SamFrameTest {

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  static SamFrame read(byte[] b) throws IOException {
    return new SamFrameReader(new ByteArrayInputStream(b)).read();
  }

  @Test
  void commandFramesAreThePublishedBytes() {
    // len 00 03, XOR 00^03^20^01 = 22
    assertThat(SamFrame.command(0x20, 0x01).encode()).isEqualTo(hex("AA AA AA 96 69 00 03 20 01 22"));
    // 00^03^20^02 = 21
    assertThat(SamFrame.command(0x20, 0x02).encode()).isEqualTo(hex("AA AA AA 96 69 00 03 20 02 21"));
    // 00^03^30^01 = 32
    assertThat(SamFrame.command(0x30, 0x01).encode()).isEqualTo(hex("AA AA AA 96 69 00 03 30 01 32"));
  }

  @Test
  void findOkResponseDecodes() throws IOException {
    // 00 08 | 00 00 9F | 00 00 00 00 | 08^9F = 97
    SamFrame f = read(hex("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97"));
    assertThat(SamStatus.of(f.statusCode())).isEqualTo(SamStatus.FIND_OK);
    assertThat(f.responseData()).hasSize(4);
  }

  @ParameterizedTest
  @CsvSource({
      // status, checksum = 04 ^ status
      "90, 94, OK",
      "9F, 9B, FIND_OK",
      "80, 84, FIND_FAILED",
      "81, 85, SELECT_FAILED",
      "41, 45, READ_FAILED",
      "10, 14, CHECKSUM_ERROR",
      "11, 15, LENGTH_ERROR",
      "21, 25, COMMAND_ERROR",
      "33, 37, UNKNOWN"})
  void everyStatusByte(String status, String checksum, SamStatus expected) throws IOException {
    SamFrame f = read(hex("AA AA AA 96 69 00 04 00 00 " + status + " " + checksum));
    assertThat(SamStatus.of(f.statusCode())).isEqualTo(expected);
    assertThat(f.responseData()).isEmpty();
  }

  @Test
  void badChecksumIsRefused() {
    assertThatThrownBy(() -> read(hex("AA AA AA 96 69 00 04 00 00 90 95")))
        .isInstanceOf(SamProtocolException.class).hasMessageContaining("checksum");
    assertThatThrownBy(() -> read(hex("AA AA AA 96 69 00 03 20 01 23")))
        .isInstanceOf(SamProtocolException.class).hasMessageContaining("checksum");
  }

  @Test
  void wrongLengthsAreRefused() {
    assertThatThrownBy(() -> read(hex("AA AA AA 96 69 00 00 00"))).isInstanceOf(SamProtocolException.class)
        .hasMessageContaining("length 0");
    assertThatThrownBy(() -> read(hex("AA AA AA 96 69 FF FF 00"))).isInstanceOf(SamProtocolException.class)
        .hasMessageContaining("length 65535");
    // says 4 bytes follow, 3 arrive
    assertThatThrownBy(() -> read(hex("AA AA AA 96 69 00 04 00 00 90"))).isInstanceOf(EOFException.class);
    // a length one short moves the checksum onto the status byte
    assertThatThrownBy(() -> read(hex("AA AA AA 96 69 00 03 00 00 90 94"))).isInstanceOf(SamProtocolException.class);
  }

  @Test
  void noiseAndLongPreamblesAreSkipped() throws IOException {
    SamFrame f = read(hex("00 13 AA 96 AA AA AA AA 96 69 00 04 00 00 90 94"));
    assertThat(SamStatus.of(f.statusCode())).isEqualTo(SamStatus.OK);
  }

  @Test
  void textBlockFieldsAtTheirWidths() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    field(b, "张三", 30);
    field(b, "1", 2);
    field(b, "01", 4);
    field(b, "19620510", 16);
    field(b, "山东省临沂市河东区九曲街道100号", 70);
    field(b, "371312196205108490", 36);
    field(b, "临沂市公安局河东分局", 30);
    field(b, "20150101", 16);
    field(b, "长期", 16);
    field(b, "", 36);
    byte[] block = b.toByteArray();
    assertThat(block).hasSize(256);

    IdCard c = IdCardText.decode(block);
    assertThat(c.name()).isEqualTo("张三");
    assertThat(c.sex()).isEqualTo("男");
    assertThat(c.nation()).isEqualTo("01");
    assertThat(c.birthDate()).isEqualTo("19620510");
    assertThat(c.address()).isEqualTo("山东省临沂市河东区九曲街道100号");
    assertThat(c.idNumber()).isEqualTo("371312196205108490");
    assertThat(c.issuer()).isEqualTo("临沂市公安局河东分局");
    assertThat(c.validFrom()).isEqualTo("20150101");
    assertThat(c.validTo()).isEqualTo("长期");
    assertThat(IdCardText.encode(c)).isEqualTo(block);
    assertThat(c.toString()).doesNotContain("371312196205108490").doesNotContain("张三");
  }

  @Test
  void textBlockOfWrongSizeIsRefused() {
    assertThatThrownBy(() -> IdCardText.decode(new byte[255])).isInstanceOf(SamProtocolException.class);
  }

  private static void field(ByteArrayOutputStream b, String v, int width) {
    byte[] s = v.getBytes(StandardCharsets.UTF_16LE);
    b.writeBytes(s);
    for (int i = s.length; i < width; i += 2) {
      b.write(0x20);
      b.write(0x00);
    }
  }
}
