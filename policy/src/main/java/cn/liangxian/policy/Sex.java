package cn.liangxian.policy;

public enum Sex {
  MALE, FEMALE
}
