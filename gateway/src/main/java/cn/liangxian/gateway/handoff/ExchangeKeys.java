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
 *
 * <p>{@code made}: this load generated the private key (no file was there).
 */
public record ExchangeKeys(PrivateKey privateKey, PublicKey publicKey, boolean made) {
  private static final Logger LOG = LoggerFactory.getLogger(ExchangeKeys.class);

  /** The file of the public half, beside the private key's: {@code handoff-key.pem} has {@code handoff-key.pub.pem}. */
  public static String publicFile(String file) {
    return file.replaceFirst("\\.pem$", "") + ".pub.pem";
  }

  /**
   * The deployment's own hand-off key, made once ({@code gateway keys generate}), with its public half beside it for the
   * agencies: no demo key. False, and nothing written, where the key file is there already.
   */
  public static boolean create(Path keyDir, String file, String scheme) throws IOException {
    KeyPair pair = AgencyEnvelope.generate(AgencyEnvelope.Scheme.valueOf(scheme));
    if (!writePrivate(keyDir.resolve(file), pair)) {
      return false;
    }
    cn.liangxian.gateway.config.SecretFile.writeWhole(keyDir.resolve(publicFile(file)), Pem.write(pair.getPublic()));
    return true;
  }

  /** The private key, its owner's only from its first byte, whole or not there: false where another process's is. */
  private static boolean writePrivate(Path priv, KeyPair pair) throws IOException {
    return cn.liangxian.gateway.config.SecretFile.writeOwnerOnly(priv, Pem.write(pair.getPrivate()));
  }

  public static ExchangeKeys load(Path keyDir, String file, String scheme) {
    Path priv = keyDir.resolve(file);
    Path pub = keyDir.resolve(publicFile(file));
    try {
      boolean made = false;
      if (!Files.exists(priv)) {
        // another process's made meanwhile is the key
        made = writePrivate(priv, AgencyEnvelope.generate(AgencyEnvelope.Scheme.valueOf(scheme)));
        if (made) {
          LOG.warn("generated a DEMO hand-off key {} ({}): give the agencies {} or provide your own key", priv, scheme, pub);
        }
      }
      PrivateKey key = Pem.privateKey(Files.readString(priv));
      // the public half, for the agencies, from the private one: whoever finds it missing (the process that made the key,
      // another starting with it, or a start after one stopped between the two files) writes the same, whole; one left
      // from another key is written again, since the agencies must be given the half of the key that signs
      PublicKey half = publicOf(key);
      if (Files.exists(pub)) {
        if (java.util.Arrays.equals(Pem.publicKey(Files.readString(pub)).getEncoded(), half.getEncoded())) {
          return new ExchangeKeys(key, half, made);
        }
        LOG.warn("{} is not the public half of {}: written again from it", pub, priv);
      }
      cn.liangxian.gateway.config.SecretFile.writeWhole(pub, Pem.write(half));
      return new ExchangeKeys(key, half, made);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the hand-off key " + priv, e);
    }
  }

  /** The public half of an RSA or an SM2 (elliptic-curve) private key. */
  static PublicKey publicOf(PrivateKey key) {
    try {
      if (key instanceof java.security.interfaces.RSAPrivateCrtKey rsa) {
        return java.security.KeyFactory.getInstance("RSA").generatePublic(
            new java.security.spec.RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
      }
      if (key instanceof org.bouncycastle.jce.interfaces.ECPrivateKey ec) {
        org.bouncycastle.jce.spec.ECParameterSpec curve = ec.getParameters();
        return java.security.KeyFactory.getInstance("EC", cn.liangxian.channel.Crypto.BC).generatePublic(
            new org.bouncycastle.jce.spec.ECPublicKeySpec(curve.getG().multiply(ec.getD()).normalize(), curve));
      }
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot derive the public half of the hand-off key", e);
    }
    throw new IllegalArgumentException("the hand-off key is neither RSA (with its CRT parameters) nor elliptic-curve: "
        + key.getAlgorithm());
  }
}
