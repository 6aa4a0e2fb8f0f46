package cn.liangxian.kiosk.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The name keyboard's candidates: every character a name may be written in, the common ones first. */
class PinyinIndexTest {

  static PinyinIndex index;

  @BeforeAll
  static void build() {
    index = PinyinIndex.build();
  }

  @Test
  void charactersOfNamesBeyondGb2312CanBeTyped() {
    assertThat(index.candidates("zhe", 60)).contains("喆");
    assertThat(index.candidates("kun", 60)).contains("堃");
    assertThat(index.candidates("yue", 60)).contains("玥");
    assertThat(index.characters()).as("the basic block's ideographs pinyin4j reads").isGreaterThan(20_000);
  }

  @Test
  void gb2312sCharactersComeFirstInEachReading() {
    assertThat(index.candidates("zhe", 60).subList(0, 8)).contains("哲", "折", "者");
    // 喆, 堃 and 玥 are outside GB2312: after every GB2312 character of their reading
    java.nio.charset.CharsetEncoder gb = java.nio.charset.Charset.forName("GB2312").newEncoder();
    for (String reading : List.of("zhe", "kun", "yue", "yi")) {
      List<String> all = index.candidates(reading, 1);
      int firstOther = 0;
      while (firstOther < all.size() && gb.canEncode(all.get(firstOther))) {
        firstOther++;
      }
      assertThat(firstOther).as(reading + ": GB2312's characters").isGreaterThan(0);
      assertThat(all.subList(firstOther, all.size())).as(reading + ": the others, after them").noneMatch(gb::canEncode);
    }
    // a reading's start offers GB2312's characters of every reading it begins before any other
    assertThat(index.candidates("zh", 60)).hasSize(60).contains("扎", "渣").allMatch(gb::canEncode);
  }

  /**
   * GB2312's order put 长 before 张 and 李 on the second page of "li": a name's commonest characters come first, the
   * surnames most of all, and a reading's first letters offer them before the rest.
   */
  @Test
  void theCommonestSurnamesAndNameCharactersComeFirst() {
    assertThat(index.candidates("zhang", 8).get(0)).isEqualTo("张");
    assertThat(index.candidates("li", 8).get(0)).isEqualTo("李");
    assertThat(index.candidates("wang", 8).get(0)).isEqualTo("王");
    assertThat(index.candidates("hu", 8).get(0)).isEqualTo("胡");
    assertThat(index.candidates("wu", 8).get(0)).isEqualTo("吴");
    assertThat(index.candidates("liu", 8).get(0)).isEqualTo("刘");
    assertThat(index.candidates("chen", 8).get(0)).isEqualTo("陈");
    assertThat(index.candidates("wei", 8)).startsWith("魏", "韦", "卫", "伟");
    assertThat(index.candidates("fang", 8)).contains("方", "芳");
    assertThat(index.candidates("zh", 8)).startsWith("张", "赵", "周", "朱", "郑");
    assertThat(PinyinIndex.frequentNameCharacters()).hasSizeGreaterThan(300).doesNotHaveDuplicates().contains("王", "伟");
  }

  @Test
  void lvIsTypedWithV() {
    assertThat(index.candidates("lv", 60)).contains("吕", "绿");
    assertThat(index.candidates("nv", 60)).contains("女");
    assertThat(index.candidates("lu:", 60)).isEmpty();
  }
}
