package cn.liangxian.sandbox.unionpay;

import java.security.PublicKey;

/** A UnionPay merchant the sandbox knows: its merchant code, and the key of the certificate its certId names. */
public record UnionPayMerchant(String merId, String certId, PublicKey signKey) {}
