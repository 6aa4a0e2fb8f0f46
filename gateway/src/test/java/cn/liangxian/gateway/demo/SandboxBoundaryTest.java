package cn.liangxian.gateway.demo;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import cn.liangxian.gateway.Gateway;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The sandbox stays beside the product: of the gateway's own classes, only the demo's wiring knows it. */
class SandboxBoundaryTest {

  @Test
  void onlyTheDemoPackageDependsOnTheSandbox() {
    JavaClasses gateway = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackagesOf(Gateway.class);
    noClasses().that().resideOutsideOfPackage("cn.liangxian.gateway.demo..")
        .should().dependOnClassesThat().resideInAPackage("cn.liangxian.sandbox..")
        .because("GATEWAY_SANDBOX=false must leave the sandbox out entirely")
        .check(gateway);
  }
}
