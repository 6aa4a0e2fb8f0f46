package cn.liangxian.policy;

/** An optional product collected together with the contribution (如皋 住院商业补充医疗保险). */
public record AddOn(String code, String name, long fen, String source) {}
