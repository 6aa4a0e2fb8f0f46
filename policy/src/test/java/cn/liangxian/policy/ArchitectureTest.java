package cn.liangxian.policy;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The policy core stays pure and its packages stay layered, so it can be changed and reused on its own. */
@AnalyzeClasses(packages = "cn.liangxian.policy", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule policyDependsOnNothingElseOfTheProject = noClasses()
      .that().resideInAPackage("cn.liangxian.policy..")
      .should().dependOnClassesThat(
          resideInAPackage("cn.liangxian..").and(not(resideInAPackage("cn.liangxian.policy.."))))
      .because("the gateway and the kiosk build on the rules engine, never the other way round");

  /** One slice per package; matched from cn.liangxian so that cn.liangxian.policy itself is a slice too. */
  @ArchTest
  static final ArchRule noPackageCycles = slices()
      .matching("cn.liangxian.(**)")
      .should().beFreeOfCycles();
}
