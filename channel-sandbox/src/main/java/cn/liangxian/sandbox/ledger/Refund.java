package cn.liangxian.sandbox.ledger;

import java.time.Instant;

/** A refund of a trade: the merchant's number for it, the channel's, the amount, why, when. */
public record Refund(String outRefundNo, String refundId, long fen, String reason, Instant at) {}
