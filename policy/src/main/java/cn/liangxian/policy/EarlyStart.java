package cn.liangxian.policy;

import java.time.LocalDate;

/** A group that may pay before the window opens for everyone (滁州 2026: "学生等群体可提前缴纳"), from {@code start}. */
record EarlyStart(Group group, LocalDate start, String source) {}
