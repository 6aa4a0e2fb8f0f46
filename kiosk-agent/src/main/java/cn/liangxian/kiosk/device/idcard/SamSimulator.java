package cn.liangxian.kiosk.device.idcard;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SAM reader on a TCP socket, speaking the same frames as the device: a card can be placed and taken away,
 * and the next answers can be forced to a failure status or a corrupt checksum.
 */
public final class SamSimulator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SamSimulator.class);

  private final ServerSocket server;
  private final Thread acceptor;
  private volatile IdCard card;
  private final Deque<SamStatus> forced = new ArrayDeque<>();
  private volatile boolean corruptNext;
  private final AtomicLong polls = new AtomicLong();

  public SamSimulator(int port) throws IOException {
    server = new ServerSocket(port, 4, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::accept, "sam-simulator");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  public void place(IdCard c) {
    this.card = c;
  }

  public void remove() {
    this.card = null;
  }

  /** The next answer carries this status instead of the normal one. */
  public synchronized void failNext(SamStatus status) {
    forced.add(status);
  }

  /**
   * How many find-card commands have come in. Counted before the card is looked at, so a count above one read
   * after {@link #remove()} is a poll that saw the reader empty: tests wait for polls, not for time.
   */
  public long polls() {
    return polls.get();
  }

  /** The next answer's checksum is wrong. */
  public void corruptNextChecksum() {
    corruptNext = true;
  }

  private final java.util.Set<Socket> connections = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** The reader unplugged: every open line to it is cut (a driver must open a new one). */
  public void disconnect() {
    for (Socket s : connections) {
      try {
        s.close();
      } catch (IOException e) {
        // closed already
      }
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        connections.add(s);
        Thread t = new Thread(() -> serve(s), "sam-simulator-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!server.isClosed()) {
          LOG.warn("simulator accept failed: {}", e.toString());
        }
      }
    }
  }

  private void serve(Socket s) {
    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
      SamFrameReader reader = new SamFrameReader(in);
      while (true) {
        SamFrame answer;
        try {
          answer = answer(reader.read());
        } catch (SamProtocolException e) {
          answer = SamFrame.response(e.getMessage().startsWith("bad checksum") ? SamStatus.CHECKSUM_ERROR
              : SamStatus.LENGTH_ERROR, new byte[0]);
        }
        byte[] bytes = answer.encode();
        if (corruptNext) {
          corruptNext = false;
          bytes[bytes.length - 1] ^= 0x5A;
        }
        out.write(bytes);
        out.flush();
      }
    } catch (EOFException | SocketException e) {
      // the driver hung up
    } catch (IOException e) {
      LOG.warn("simulator connection failed: {}", e.toString());
    } finally {
      connections.remove(s);
    }
  }

  private SamFrame answer(SamFrame command) {
    int cmd = command.command() << 8 | command.parameter();
    if (cmd == 0x2001) {
      polls.incrementAndGet();
    }
    SamStatus f;
    synchronized (this) {
      f = forced.poll();
    }
    if (f != null) {
      return SamFrame.response(f, new byte[0]);
    }
    IdCard c = card;
    return switch (cmd) {
      case 0x2001 -> SamFrame.response(c == null ? SamStatus.FIND_FAILED : SamStatus.FIND_OK, new byte[4]);
      case 0x2002 -> c == null ? SamFrame.response(SamStatus.SELECT_FAILED, new byte[0])
          : SamFrame.response(SamStatus.OK, new byte[8]);
      case 0x3001 -> c == null ? SamFrame.response(SamStatus.READ_FAILED, new byte[0])
          : SamFrame.response(SamStatus.OK, baseInfo(c));
      default -> SamFrame.response(SamStatus.COMMAND_ERROR, new byte[0]);
    };
  }

  /** Text length, photo length, text, photo (an empty 1024-byte WLT block: the agent never decodes it). */
  static byte[] baseInfo(IdCard c) {
    byte[] text = IdCardText.encode(c);
    int photo = 1024;
    byte[] d = new byte[4 + text.length + photo];
    d[0] = (byte) (text.length >>> 8);
    d[1] = (byte) text.length;
    d[2] = (byte) (photo >>> 8);
    d[3] = (byte) photo;
    System.arraycopy(text, 0, d, 4, text.length);
    return d;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
