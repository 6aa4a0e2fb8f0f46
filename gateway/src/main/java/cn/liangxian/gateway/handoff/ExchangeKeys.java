package cn.liangxian.gateway.handoff;

import cn.liangxian.channel.Pem;
import cn.liangxian.channel.agency.AgencyEnvelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own key for the agencies: it signs what the gateway sends and unwraps what agencies
 * send it. Read from the key directory; on a first start a demo key is generated there (and said so),
 * with its public half beside it ({@code .pub.pem}) for the agencies.
 */
public record ExchangeKeys(PrivateKey privateKey, PublicKey publicKey) {
  private static final Logger LOG = LoggerFactory.getLogger(ExchangeKeys.class);

  public static ExchangeKeys load(Path keyDir, String file, String scheme) {
    Path priv = keyDir.resolve(file);
    Path pub = keyDir.resolve(file.replaceFirst("\\.pem$", "") + ".pub.pem");
    try {
      if (!Files.exists(priv)) {
        KeyPair pair = AgencyEnvelope.generate(AgencyEnvelope.Scheme.valueOf(scheme));
        Files.createDirectories(keyDir);
        // the private key its owner's only from its first byte; the public one written once the private one is in place
        if (!cn.liangxian.gateway.config.SecretFile.writeOwnerOnly(priv, Pem.write(pair.getPrivate()))) {
          return load(keyDir, file, scheme); // another process made it meanwhile: its key, not this one
        }
        Files.writeString(pub, Pem.write(pair.getPublic()));
        LOG.warn("generated a DEMO hand-off key {} ({}): give the agencies {} or provide your own key", priv, scheme, pub);
        return new ExchangeKeys(pair.getPrivate(), pair.getPublic());
      }
      PrivateKey key = Pem.privateKey(Files.readString(priv));
      return new ExchangeKeys(key, Pem.publicKey(Files.readString(pub)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the hand-off key " + priv, e);
    }
  }
}
