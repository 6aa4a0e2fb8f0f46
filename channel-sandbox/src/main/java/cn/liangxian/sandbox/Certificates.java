package cn.liangxian.sandbox;

import cn.liangxian.channel.Crypto;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** X.509 certificates the channels issue in the sandbox (Bouncy Castle). */
public final class Certificates {
  private Certificates() {}

  /**
   * A certificate of {@code subject}'s {@code key}, signed by {@code issuerKey} ({@code issuer} null: self-signed),
   * a CA or an end entity, valid between the given instants.
   */
  public static X509Certificate issue(String subject, PublicKey key, X509Certificate issuer, PrivateKey issuerKey, boolean ca,
      Instant from, Instant to, BigInteger serial) {
    try {
      X500Name issuerName = issuer == null ? new X500Name(subject) : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, serial, Date.from(from), Date.from(to),
          new X500Name(subject), key);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
          : KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
      return new JcaX509CertificateConverter().setProvider(Crypto.BC)
          .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot issue " + subject, e);
    }
  }
}
