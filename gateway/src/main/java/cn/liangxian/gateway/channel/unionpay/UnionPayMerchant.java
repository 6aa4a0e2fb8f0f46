package cn.liangxian.gateway.channel.unionpay;

import cn.liangxian.channel.unionpay.UnionPayTrust;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Objects;

/**
 * One UnionPay merchant: its merchant code ({@code merId}), the signing certificate's {@code certId} and
 * private key, and the UnionPay root and middle certificates that its answers and notifications must
 * chain to, and when the signing certificate expires (UnionPay refuses what it signs after that). Keys come from files
 * or the environment, never from the repository.
 */
public record UnionPayMerchant(String merId, String certId, Instant signCertNotAfter, PrivateKey signKey, UnionPayTrust trust) {
  public UnionPayMerchant {
    Objects.requireNonNull(merId, "merId");
    Objects.requireNonNull(certId, "certId");
    Objects.requireNonNull(signCertNotAfter, "signCertNotAfter");
    Objects.requireNonNull(signKey, "signKey");
    Objects.requireNonNull(trust, "trust");
  }

  @Override
  public String toString() {
    return "UnionPayMerchant[" + merId + "]";
  }
}
