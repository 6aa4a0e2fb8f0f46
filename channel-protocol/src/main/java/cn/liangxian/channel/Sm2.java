package cn.liangxian.channel;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;

/**
 * SM3withSM2 signatures and SM2 encryption (C1C3C2) on Bouncy Castle's own classes, with each key's curve
 * parameters converted once and kept.
 *
 * <p>Through the JCA ({@code Signature.getInstance("SM3withSM2", BC)}) every {@code initSign} converts the key
 * again, and with it the curve's base point: the table Bouncy Castle precomputes for multiplying that point
 * (hundreds of point additions) is then built for every signature and every message key wrapped, and dropped.
 * Kept with the key's parameters, it is built once per key. The format is the same (signatures and
 * wrapped keys are randomised, so never the bytes): the default user ID ({@code 1234567812345678}), SM3, and
 * the signature DER-encoded, as the JCA signature makes it.
 */
public final class Sm2 {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Per key object (identity, weakly held): a key dropped by its owner drops its parameters too. */
  private static final Cache<Key, AsymmetricKeyParameter> PARAMETERS = Caffeine.newBuilder().weakKeys().maximumSize(10_000)
      .executor(Runnable::run).build();

  private Sm2() {}

  /** The signature, DER-encoded; IllegalArgumentException when the key is not an SM2 (EC) key. */
  public static byte[] sign(PrivateKey key, byte[] message) {
    SM2Signer s = new SM2Signer();
    s.init(true, new ParametersWithRandom(parameters(key), RANDOM));
    s.update(message, 0, message.length);
    try {
      return s.generateSignature();
    } catch (CryptoException e) {
      throw new IllegalStateException("cannot sign with SM2", e);
    }
  }

  /** False for a wrong or malformed signature; IllegalArgumentException when the key is not an SM2 (EC) key. */
  public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    SM2Signer s = new SM2Signer();
    s.init(false, parameters(key));
    s.update(message, 0, message.length);
    return s.verifySignature(signature);
  }

  /** {@code data} encrypted for the holder of {@code recipient}'s private key (C1C3C2). */
  public static byte[] encrypt(PublicKey recipient, byte[] data) throws InvalidCipherTextException {
    SM2Engine e = new SM2Engine(SM2Engine.Mode.C1C3C2);
    e.init(true, new ParametersWithRandom(parameters(recipient), RANDOM));
    return e.processBlock(data, 0, data.length);
  }

  /** What {@link #encrypt} sealed; InvalidCipherTextException when it was not sealed for this key. */
  public static byte[] decrypt(PrivateKey own, byte[] sealed) throws InvalidCipherTextException {
    SM2Engine e = new SM2Engine(SM2Engine.Mode.C1C3C2);
    e.init(false, parameters(own));
    return e.processBlock(sealed, 0, sealed.length);
  }

  private static AsymmetricKeyParameter parameters(Key key) {
    return PARAMETERS.get(key, k -> {
      try {
        return k instanceof PrivateKey p ? ECUtil.generatePrivateKeyParameter(p) : ECUtil.generatePublicKeyParameter((PublicKey) k);
      } catch (InvalidKeyException e) {
        throw new IllegalArgumentException("not an SM2 key: " + k.getAlgorithm(), e);
      }
    });
  }
}
