package cn.liangxian.kiosk.device.printer;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A receipt printer on TCP: decodes the ESC/POS stream back to text lines (GB18030 in Chinese mode), QR code
 * payloads and cuts, answers {@code DLE EOT} with a status that tests set, and records every cut receipt.
 * A command it does not know is recorded as an error, never skipped silently.
 */
public final class PrinterSimulator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PrinterSimulator.class);
  private static final Charset GB18030 = Charset.forName("GB18030");

  /** One cut receipt as the simulator read it. */
  public record Printed(List<String> lines, List<String> qrCodes) {
    public String text() {
      return String.join("\n", lines);
    }
  }

  private final ServerSocket server;
  private final List<Printed> printed = new CopyOnWriteArrayList<>();
  private final List<String> errors = new CopyOnWriteArrayList<>();
  private volatile PrinterStatus status = PrinterStatus.READY;
  private volatile PrinterStatus statusAfterNextCut;
  private volatile boolean silent;

  public PrinterSimulator(int port) throws IOException {
    server = new ServerSocket(port, 8, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "printer-simulator");
    t.setDaemon(true);
    t.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  public void status(PrinterStatus s) {
    this.status = s;
  }

  /** The paper runs out (or the cover opens) just as the next receipt is cut. */
  public void statusAfterNextCut(PrinterStatus s) {
    this.statusAfterNextCut = s;
  }

  /** The line drops just after the next receipt is cut (a cable pulled, the printer switched off): the paper is out. */
  public void hangUpAfterNextCut() {
    this.hangUpAfterNextCut = true;
  }

  private volatile boolean hangUpAfterNextCut;

  /** A printer that stops answering status requests (hung firmware, a cable half out). */
  public void silent(boolean s) {
    this.answering.set(0);
    this.silent = s;
  }

  /** Answers status requests on the next {@code n} connections (a kiosk's check before payment), then goes silent. */
  public void silentAfter(int n) {
    this.answering.set(n);
    this.silent = true;
  }

  private final java.util.concurrent.atomic.AtomicInteger answering = new java.util.concurrent.atomic.AtomicInteger();

  public List<Printed> printed() {
    return List.copyOf(printed);
  }

  public List<String> errors() {
    return List.copyOf(errors);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> serve(s), "printer-simulator-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!server.isClosed()) {
          LOG.warn("printer simulator accept failed: {}", e.toString());
        }
      }
    }
  }

  private void serve(Socket s) {
    Decoder d = new Decoder(silent && answering.getAndDecrement() <= 0);
    try (s; InputStream raw = s.getInputStream(); OutputStream out = s.getOutputStream()) {
      DataInputStream in = new DataInputStream(raw);
      while (true) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        d.step(b, in, out);
        if (d.hangUp) {
          break;
        }
      }
    } catch (EOFException | SocketException e) {
      // the job ended
    } catch (IOException e) {
      LOG.warn("printer simulator connection failed: {}", e.toString());
    }
  }

  private final class Decoder {
    final ByteArrayOutputStream line = new ByteArrayOutputStream();
    final List<String> lines = new ArrayList<>();
    final List<String> qr = new ArrayList<>();
    boolean chinese;
    String qrStored;
    final boolean quiet;
    boolean hangUp;

    Decoder(boolean quiet) {
      this.quiet = quiet;
    }

    void step(int b, DataInputStream in, OutputStream out) throws IOException {
      switch (b) {
        case 0x0A -> endLine();
        case 0x10 -> dle(in, out);
        case 0x1B -> esc(in.readUnsignedByte(), in);
        case 0x1C -> fs(in.readUnsignedByte(), in);
        case 0x1D -> gs(in.readUnsignedByte(), in);
        default -> {
          if (b < 0x20) {
            errors.add(String.format("control byte %02X", b));
          } else {
            line.write(b);
          }
        }
      }
    }

    void endLine() {
      lines.add(new String(line.toByteArray(), chinese ? GB18030 : Charset.forName("US-ASCII")));
      line.reset();
    }

    void dle(DataInputStream in, OutputStream out) throws IOException {
      int c = in.readUnsignedByte();
      int n = in.readUnsignedByte();
      if (c != 0x04) {
        errors.add(String.format("DLE %02X", c));
        return;
      }
      PrinterStatus st = status;
      if (quiet) {
        return;
      }
      int answer = switch (n) {
        case 1 -> st.printerByte();
        case 2 -> st.offlineCauseByte();
        case 4 -> st.paperSensorByte();
        default -> {
          errors.add("DLE EOT " + n);
          yield 0x12;
        }
      };
      out.write(answer);
      out.flush();
    }

    void esc(int c, DataInputStream in) throws IOException {
      switch (c) {
        case '@' -> {
          line.reset();
          chinese = false;
        }
        case '2' -> {
        }
        case '!', 'E', '-', 'a', 'M', 'G', 't', '3', 'J', '{' -> in.readUnsignedByte();
        case 'd' -> {
          int n = in.readUnsignedByte();
          for (int i = 0; i < n; i++) {
            endLine();
          }
        }
        default -> errors.add(String.format("ESC %02X", c));
      }
    }

    void fs(int c, DataInputStream in) throws IOException {
      switch (c) {
        case '&' -> chinese = true;
        case '.' -> chinese = false;
        case '!', '-', 'W' -> in.readUnsignedByte();
        default -> errors.add(String.format("FS %02X", c));
      }
    }

    void gs(int c, DataInputStream in) throws IOException {
      switch (c) {
        case '!', 'B' -> in.readUnsignedByte();
        case 'V' -> {
          int m = in.readUnsignedByte();
          if (m == 65 || m == 66) {
            in.readUnsignedByte();
          }
          cut();
        }
        case '(' -> {
          int fn = in.readUnsignedByte();
          int len = in.readUnsignedByte() | in.readUnsignedByte() << 8;
          byte[] p = in.readNBytes(len);
          if (fn == 'k' && len >= 3 && p[0] == '1') {
            if (p[1] == 'A' && p[2] != 49 && p[2] != 50) {
              errors.add(String.format("GS ( k 165: QR model n1=%d (49 or 50)", p[2]));
            } else if (p[1] == 'P') {
              qrStored = new String(p, 3, len - 3, GB18030);
            } else if (p[1] == 'Q' && qrStored != null) {
              qr.add(qrStored);
            }
          }
        }
        default -> errors.add(String.format("GS %02X", c));
      }
    }

    void cut() {
      if (line.size() > 0) {
        endLine();
      }
      List<String> text = new ArrayList<>();
      for (String l : lines) {
        if (!l.isBlank()) {
          text.add(l.strip());
        }
      }
      printed.add(new Printed(text, List.copyOf(qr)));
      lines.clear();
      qr.clear();
      if (hangUpAfterNextCut) {
        hangUpAfterNextCut = false;
        hangUp = true;
      }
      PrinterStatus after = statusAfterNextCut;
      if (after != null) {
        statusAfterNextCut = null;
        status = after;
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
