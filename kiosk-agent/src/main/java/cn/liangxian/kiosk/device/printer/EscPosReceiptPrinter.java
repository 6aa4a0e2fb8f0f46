package cn.liangxian.kiosk.device.printer;

import com.github.anastaciocintra.escpos.EscPos;
import com.github.anastaciocintra.escpos.EscPosConst;
import com.github.anastaciocintra.escpos.Style;
import com.github.anastaciocintra.escpos.barcode.QRCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * ESC/POS through escpos-coffee: Chinese mode ({@code FS &}) with GB18030 text, the verification QR code, a
 * full cut. The status is asked before the job (nothing is sent to a printer that cannot print) and after it
 * (paper that ran out mid-receipt fails the job, so it is reprinted).
 */
public final class EscPosReceiptPrinter implements ReceiptPrinter {

  static final byte DLE = 0x10;
  static final byte EOT = 0x04;
  static final byte[] CHINESE_MODE = {0x1C, 0x26};

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EscPosReceiptPrinter.class);
  /** What a resident is told of a printer that cannot be reached. */
  public static final String NOT_CONNECTED = "打印机无法连接";

  private final PrinterLine.Opener opener;

  public EscPosReceiptPrinter(PrinterLine.Opener opener) {
    this.opener = opener;
  }

  /**
   * One connection at a time (the heartbeat's question waits for a receipt being printed): a serial port opens once,
   * and a network printer's raw port serves one client.
   */
  @Override
  public synchronized PrinterStatus status() throws PrintException {
    try (PrinterLine line = opener.open()) {
      return status(line);
    } catch (IOException e) {
      throw new PrintException(lineFailure(e), e);
    } catch (RuntimeException e) {
      // a driver's unchecked failure is a printer that cannot be reached: said so, never a crash of the flow asking
      LOG.error("printer status not read: {}", e.toString(), e);
      throw new PrintException(NOT_CONNECTED, e);
    }
  }

  /** What a resident is told when the line to the printer failed, or carried something that is not a status. */
  private static String lineFailure(IOException e) {
    return e.getCause() instanceof IllegalArgumentException ? "打印机状态异常" : NOT_CONNECTED;
  }

  static PrinterStatus status(PrinterLine line) throws IOException {
    int printer = ask(line, 1);
    int cause = ask(line, 2);
    int paper = ask(line, 4);
    try {
      return PrinterStatus.decode(printer, cause, paper);
    } catch (IllegalArgumentException e) {
      // a byte that is not a status: line noise, or a device that is not an ESC/POS printer
      throw new IOException(e.getMessage(), e);
    }
  }

  private static int ask(PrinterLine line, int n) throws IOException {
    OutputStream out = line.out();
    out.write(new byte[] {DLE, EOT, (byte) n});
    out.flush();
    InputStream in = line.in();
    int b = in.read();
    if (b < 0) {
      throw new IOException("printer closed the line");
    }
    return b;
  }

  @Override
  public synchronized void print(Receipt r, BeforeFirstByte beforeFirstByte) throws PrintException {
    boolean sent = false;
    try (PrinterLine line = opener.open()) {
      PrinterStatus before = status(line);
      if (before.problem() != null) {
        throw new PrintException(before.problem(), null);
      }
      beforeFirstByte.run();
      sent = true;
      EscPos escpos = new EscPos(line.out());
      escpos.setCharsetName("GB18030");
      escpos.initializePrinter();
      escpos.write(CHINESE_MODE, 0, CHINESE_MODE.length);
      Style title = new Style().setBold(true).setFontSize(Style.FontSize._2, Style.FontSize._2)
          .setJustification(EscPosConst.Justification.Center);
      escpos.writeLF(title, r.title());
      Style body = new Style();
      escpos.writeLF(body, "凭证号: " + r.receiptNo());
      for (String l : r.lines()) {
        escpos.writeLF(body, l);
      }
      escpos.feed(1);
      escpos.write(new QRCode().setModel(QRCode.QRModel._2).setSize(6).setJustification(EscPosConst.Justification.Center), r.verifyUrl());
      escpos.writeLF(new Style().setJustification(EscPosConst.Justification.Center), "扫码核验");
      escpos.feed(4);
      escpos.cut(EscPos.CutMode.FULL);
      escpos.flush();
      PrinterStatus after = status(line);
      if (after.problem() != null) {
        throw new PrintException(after.problem() + "，凭证未打印完整", null);
      }
    } catch (IOException e) {
      // a line that fails once the job went out says nothing of the paper: the receipt may be on it
      throw new PrintException(lineFailure(e), e, sent);
    } catch (RuntimeException e) {
      // a driver's unchecked failure, or a fault of the receipt's own layout: logged whole for the engineer
      LOG.error("receipt not printed: {}", e.toString(), e);
      throw new PrintException(NOT_CONNECTED, e, sent);
    }
  }
}
