package cn.liangxian.channel;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** PEM keys and certificates of the channels (RSA and SM2), read and written with Bouncy Castle. */
public final class Pem {
  private static final JcaPEMKeyConverter KEYS = new JcaPEMKeyConverter().setProvider(Crypto.BC);

  private Pem() {}

  /** A private key: PKCS#8 ({@code PRIVATE KEY}) or a traditional key pair ({@code RSA/EC PRIVATE KEY}). */
  public static PrivateKey privateKey(String pem) {
    Object o = read(pem);
    try {
      if (o instanceof PrivateKeyInfo info) {
        return KEYS.getPrivateKey(info);
      }
      if (o instanceof PEMKeyPair pair) {
        return KEYS.getKeyPair(pair).getPrivate();
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable private key: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("not a private key PEM");
  }

  /** A public key, from a {@code PUBLIC KEY} block or from an X.509 certificate. */
  public static PublicKey publicKey(String pem) {
    Object o = read(pem);
    try {
      if (o instanceof SubjectPublicKeyInfo info) {
        return KEYS.getPublicKey(info);
      }
      if (o instanceof X509CertificateHolder cert) {
        return certificate(cert).getPublicKey();
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable public key: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("not a public key or certificate PEM");
  }

  /** The serial number of a certificate as WeChat Pay writes it: upper-case hex. */
  public static String certificateSerial(String pem) {
    return serial(certificate(pem));
  }

  /** A certificate's serial number as WeChat Pay writes it: upper-case hex (no leading zeros). */
  public static String serial(X509Certificate cert) {
    return cert.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
  }

  /** An X.509 certificate. */
  public static X509Certificate certificate(String pem) {
    if (read(pem) instanceof X509CertificateHolder cert) {
      return certificate(cert);
    }
    throw new IllegalArgumentException("not a certificate PEM");
  }

  public static String write(Object keyOrCertificate) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(keyOrCertificate instanceof Key || keyOrCertificate instanceof X509Certificate
          ? keyOrCertificate : keyOrCertificate);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static X509Certificate certificate(X509CertificateHolder holder) {
    try {
      return new JcaX509CertificateConverter().setProvider(Crypto.BC).getCertificate(holder);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("unreadable certificate: " + e.getMessage(), e);
    }
  }

  private static Object read(String pem) {
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      Object o = p.readObject();
      if (o == null) {
        throw new IllegalArgumentException("no PEM block found");
      }
      return o;
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed PEM: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      // Bouncy Castle's Base64 decoder throws an IllegalStateException of its own for a character outside its alphabet,
      // and its ASN.1 readers others for a structure cut short: all of them a text that is no PEM
      throw new IllegalArgumentException("malformed PEM: " + e.getClass().getSimpleName(), e);
    }
  }
}
