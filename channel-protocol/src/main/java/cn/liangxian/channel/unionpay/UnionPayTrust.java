package cn.liangxian.channel.unionpay;

import cn.liangxian.channel.Pem;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Which {@code signPubKeyCert} to believe: one that chains through UnionPay's middle certificate to its
 * root, is valid at the moment asked about, and whose CN names UnionPay. Thread-safe.
 */
public final class UnionPayTrust {
  /** The owner's name in the CN of UnionPay's signing certificates ({@code 041@...@中国银联股份有限公司@...}). */
  public static final String UNIONPAY_NAME = "中国银联股份有限公司";

  private final X509Certificate root;
  private final X509Certificate middle;

  public UnionPayTrust(X509Certificate root, X509Certificate middle) {
    this.root = root;
    this.middle = middle;
  }

  public X509Certificate root() {
    return root;
  }

  public X509Certificate middle() {
    return middle;
  }

  /** The key of a {@code signPubKeyCert} that UnionPay really issued and that is valid at {@code at}; empty otherwise. */
  public Optional<PublicKey> signingKey(String signPubKeyCert, Instant at) {
    if (signPubKeyCert == null || signPubKeyCert.isBlank()) {
      return Optional.empty();
    }
    X509Certificate cert;
    try {
      cert = Pem.certificate(signPubKeyCert);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!UNIONPAY_NAME.equals(owner(cert)) || !chains(cert, at)) {
      return Optional.empty();
    }
    return Optional.of(cert.getPublicKey());
  }

  private boolean chains(X509Certificate cert, Instant at) {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      CertPath path = cf.generateCertPath(List.of(cert, middle));
      PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
      params.setRevocationEnabled(false);
      params.setDate(Date.from(at));
      CertPathValidator.getInstance("PKIX").validate(path, params);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The third {@code @}-separated part of the subject's CN, or null. */
  static String owner(X509Certificate cert) {
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          String[] parts = String.valueOf(rdn.getValue()).split("@");
          return parts.length > 2 ? parts[2] : null;
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return null;
  }
}
