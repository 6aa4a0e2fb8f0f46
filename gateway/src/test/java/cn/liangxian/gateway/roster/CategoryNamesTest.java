package cn.liangxian.gateway.roster;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.policy.Categories;
import cn.liangxian.policy.Category;
import cn.liangxian.policy.PolicyBook;
import org.junit.jupiter.api.Test;

/** A special group as the departments and agencies write it, in a spreadsheet's characters too. */
class CategoryNamesTest {
  static final Categories HEDONG = PolicyBook.load(TestGateway.repo().resolve("config/policies/hedong-2020.yaml")).categories();

  @Test
  void aCategoryIsFoundByCodeNameOrTheDepartmentsOtherNames() {
    assertThat(CategoryNames.find(HEDONG, "DIBAO")).contains(Category.DIBAO);
    assertThat(CategoryNames.find(HEDONG, "dibao ")).contains(Category.DIBAO);
    assertThat(CategoryNames.find(HEDONG, "城乡最低生活保障对象")).contains(Category.DIBAO);
    assertThat(CategoryNames.find(HEDONG, "最低生活保障对象")).contains(Category.DIBAO);
    assertThat(CategoryNames.find(HEDONG, "低保")).contains(Category.DIBAO);
    assertThat(CategoryNames.find(HEDONG, "特困供养人员")).contains(Category.TEKUN);
    // full-width brackets, as a spreadsheet writes them, and a space
    assertThat(CategoryNames.find(HEDONG, "重度残疾人（一、二级）")).contains(Category.SEVERE_DISABLED);
    assertThat(CategoryNames.find(HEDONG, "重度残疾人 (一、二级)")).contains(Category.SEVERE_DISABLED);
    // a list headed with a notice's own words for the group
    assertThat(CategoryNames.find(HEDONG, "农村贫困人口")).contains(Category.POVERTY);
    assertThat(CategoryNames.find(HEDONG, "扶贫户")).contains(Category.POVERTY);
    assertThat(CategoryNames.find(HEDONG, "已脱贫享受政策人口")).contains(Category.POVERTY_LIFTED);
    assertThat(CategoryNames.find(HEDONG, "已脱贫仍享受脱贫政策人口")).contains(Category.POVERTY_LIFTED);
    assertThat(CategoryNames.find(HEDONG, "NOPE")).isEmpty();
    assertThat(CategoryNames.find(HEDONG, null)).isEmpty();
  }
}
