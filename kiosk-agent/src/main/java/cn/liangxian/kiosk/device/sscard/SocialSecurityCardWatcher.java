package cn.liangxian.kiosk.device.sscard;

import java.util.List;
import java.util.function.BiConsumer;
import javax.smartcardio.Card;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.TerminalFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Waits on a PC/SC reader for a social-security card, reads it once, waits for it to leave. Its own thread. */
public final class SocialSecurityCardWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SocialSecurityCardWatcher.class);

  private final CardTerminal terminal;
  private final BiConsumer<String, String> onCard;
  private final Thread thread;
  private volatile boolean running = true;

  public SocialSecurityCardWatcher(CardTerminal terminal, BiConsumer<String, String> onCard) {
    this.terminal = terminal;
    this.onCard = onCard;
    this.thread = new Thread(this::run, "sscard-watcher");
    this.thread.setDaemon(true);
  }

  /** The first PC/SC reader whose name contains {@code want} (empty: the first reader). */
  public static SocialSecurityCardWatcher open(String want, BiConsumer<String, String> onCard) throws Exception {
    List<CardTerminal> all = TerminalFactory.getDefault().terminals().list();
    for (CardTerminal t : all) {
      if (t.getName().contains(want)) {
        return new SocialSecurityCardWatcher(t, onCard);
      }
    }
    throw new IllegalStateException("no PC/SC reader named like '" + want + "' (found " + all.size() + ")");
  }

  public void start() {
    thread.start();
  }

  private void run() {
    while (running) {
      try {
        if (!terminal.waitForCardPresent(1000)) {
          continue;
        }
        Card card = terminal.connect("*");
        try {
          SocialSecurityCard sc = SocialSecurityCardApp.read(card.getBasicChannel());
          onCard.accept(sc.ssn(), sc.name());
        } finally {
          card.disconnect(false);
        }
        while (running && !terminal.waitForCardAbsent(1000)) {
          // read once per insertion
        }
      } catch (Exception e) {
        LOG.info("social-security card not read: {}", e.toString());
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
