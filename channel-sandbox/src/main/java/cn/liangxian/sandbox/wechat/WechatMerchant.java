package cn.liangxian.sandbox.wechat;

import cn.liangxian.channel.wechat.WechatPayScheme;
import java.security.PublicKey;

/** A WeChat Pay merchant the sandbox knows: whose requests it accepts, and how it encrypts for it. */
public record WechatMerchant(String mchid, String appId, PublicKey merchantKey, byte[] apiV3Key, WechatPayScheme scheme) {}
