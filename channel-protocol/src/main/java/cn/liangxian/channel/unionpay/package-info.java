/**
 * UnionPay's online payment gateway (银联全渠道, acpsdk message version 5.1.0) as both sides speak it: the
 * merchant's QR code request (消费 txnType 01, 申请消费二维码 txnSubType 07, bizType 000000, channelType 08),
 * query (txnType 00), refund (退货 txnType 04), the settlement file download (txnType 76) and the
 * asynchronous notification to {@code backUrl}.
 *
 * <p>Signature method {@code signMethod=01}: every field but {@code signature}, sorted by name and joined as
 * {@code k=v&k=v} (values as sent, not URL-encoded), is hashed with SHA-256; the lower-case hex of that hash
 * is signed with SHA256withRSA; the signature is sent in Base64. A request names the merchant certificate
 * whose key signed it by {@code certId} (the certificate's serial number in decimal). An answer or
 * notification carries UnionPay's signing certificate itself in {@code signPubKeyCert}; it is believed
 * only when it chains to the configured UnionPay middle and root certificates, is valid at the time, and
 * its subject's CN names 中国银联股份有限公司 (the third {@code @}-separated part).
 *
 * <p>Sources: UnionPay open platform, 全渠道 "二维码支付" and "消费撤销/退货/交易状态查询/文件传输" interfaces
 * (open.unionpay.com, product "二维码支付", backTransReq.do / queryTrans.do / fileTransRequest.do), and the
 * signing and verification rules of UnionPay's own merchant SDK (acpsdk {@code SDKUtil.sign} /
 * {@code validate}, {@code CertUtil.verifyCertificate}) for version 5.1.0.
 */
package cn.liangxian.channel.unionpay;
