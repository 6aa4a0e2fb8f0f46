package cn.liangxian.sandbox.alipay;

import java.security.PublicKey;

/** An Alipay application the sandbox knows, by its app_id and the key its requests are signed with. */
public record AlipayApp(String appId, PublicKey appKey) {}
