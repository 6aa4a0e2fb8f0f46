package cn.liangxian.gateway.handoff;

import cn.liangxian.channel.Pem;
import cn.liangxian.gateway.config.ConfigException;
import cn.liangxian.gateway.config.GatewayOptions;
import cn.liangxian.gateway.config.HandoffOptions;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What every loop's {@link Handoff} shares: the receivers with their keys, the gateway's own key, the meters. */
public record HandoffSetup(List<Receiver> receivers, ExchangeKeys keys, PersonalDataCipher cipher, Map<String, String> merchants,
    HandoffMetrics metrics, int batchSize, int fileRecords, Duration pushTimeout, Duration refundDelay) {

  /**
   * The receivers of the configuration, their public keys read from the key directory (a missing one stops the start). On
   * a database of its own (GATEWAY_DB_URL: other instances may share it) a receiver given files needs a folder named for it:
   * the instance that claims a day writes its file, and under the default, this machine's own data directory, the agency
   * would fetch only the days this machine happened to claim.
   */
  public static List<Receiver> configured(GatewayOptions options) {
    HandoffOptions h = options.handoff();
    if (options.databaseUrl().isPresent() && h.fileFolder() == null) {
      h.receivers().stream().filter(r -> !r.transport().equals("http") && r.folder() == null).findFirst().ifPresent(r -> {
        throw new ConfigException("handoff.receivers " + r.name() + ": daily files need a folder every instance shares on a"
            + " deployment's database: set handoff.fileFolder (GATEWAY_HANDOFF_FILE_FOLDER) or the receiver's folder; the"
            + " default, " + folder(options) + ", is this machine's own");
      });
    }
    return h.receivers().stream().map(r -> new Receiver(r.name(), r.region(), r.insurance(),
        r.transport().equals("http") ? Receiver.Transport.HTTP : Receiver.Transport.FILE, r.url(),
        publicKey(options.keyDir().resolve(r.keyFile()), r.name()), Charset.forName(r.charset()),
        r.folder() != null ? Path.of(r.folder()) : folder(options).resolve(r.name()))).toList();
  }

  /** Where daily files go unless a receiver names its own folder. */
  public static Path folder(GatewayOptions options) {
    String f = options.handoff().fileFolder();
    return f != null ? Path.of(f) : options.dataDir().resolve("handoff");
  }

  private static PublicKey publicKey(Path file, String receiver) {
    try {
      return Pem.publicKey(Files.readString(file));
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("handoff.receivers " + receiver + ": cannot read its public key " + file + ": " + e.getMessage());
    }
  }
}
