package cn.liangxian.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The package tree is the path of a payment; a cycle between two rooms is a design question, not a convenience. */
@AnalyzeClasses(packages = "cn.liangxian", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule noCyclesBetweenTheGatewaysPackages = slices()
      .matching("cn.liangxian.gateway.(*)..")
      .should().beFreeOfCycles();

  /** Main, the composition root and its verticle wire everything; nothing reaches back into them. */
  @ArchTest
  static final ArchRule nothingDependsOnTheCompositionRoot = noClasses()
      .that().resideInAPackage("cn.liangxian.gateway.*..")
      .should().dependOnClassesThat().resideInAPackage("cn.liangxian.gateway")
      .because("packages are wired by constructor from the root, not by reaching into it");

  /** The channel stand-in is for the demo and tests: only the demo's wiring may know it. */
  @ArchTest
  static final ArchRule onlyTheDemoKnowsTheSandbox = noClasses()
      .that().resideInAPackage("cn.liangxian.gateway..").and().resideOutsideOfPackage("cn.liangxian.gateway.demo..")
      .should().dependOnClassesThat().resideInAPackage("cn.liangxian.sandbox..");

  @ArchTest
  static final ArchRule thePolicyEngineImportsNothingOfTheProject = noClasses()
      .that().resideInAPackage("cn.liangxian.policy..")
      .should().dependOnClassesThat().resideInAnyPackage("cn.liangxian.gateway..", "cn.liangxian.kiosk..");
}
