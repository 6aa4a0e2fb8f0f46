package cn.liangxian.gateway.payment;

/** What a verified payment did to its order. */
public enum PaymentOutcome { PAID, DUPLICATE, UNKNOWN_ORDER, AMOUNT_MISMATCH, REFUND_DUE }
