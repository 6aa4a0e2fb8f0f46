package cn.liangxian.policy;

/** A value with the clause it comes from, and a note where the book decided something the notice leaves open. */
record Sourced<T>(T value, String source, String note) {}
