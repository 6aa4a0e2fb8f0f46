package cn.liangxian.policy;

/** A GB/T 2260 region a book applies to. */
public record Region(String code, String name) {}
