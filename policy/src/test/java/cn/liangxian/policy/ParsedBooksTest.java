package cn.liangxian.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The same text is the same book: parsed once, kept within a bound, and a different name or text is parsed anew. */
class ParsedBooksTest {
  @Test
  void theSameTextUnderTheSameNameIsParsedOnceAndTheKeptBooksAreBounded() throws Exception {
    String text = Files.readString(Books.dir().resolve("hedong-2020.yaml"));
    PolicyBook first = PolicyBook.parse("kept-hedong.yaml", text);
    assertThat(PolicyBook.parse("kept-hedong.yaml", text)).isSameAs(first);

    PolicyBook renamed = PolicyBook.parse("kept-hedong-renamed.yaml", text);
    assertThat(renamed).isNotSameAs(first);
    assertThat(renamed.file()).isEqualTo("kept-hedong-renamed.yaml");
    PolicyBook edited = PolicyBook.parse("kept-hedong.yaml", text + "\n# a comment changes the text, not the book\n");
    assertThat(edited).isNotSameAs(first);
    assertThat(edited.id()).isEqualTo(first.id());

    for (int i = 0; i < PolicyBook.PARSED_KEPT; i++) {
      PolicyBook.parse("kept-other-" + i + ".yaml", text);
    }
    assertThat(PolicyBook.parse("kept-hedong.yaml", text)).as("the first, no longer kept, is parsed again").isNotSameAs(first);
  }
}
