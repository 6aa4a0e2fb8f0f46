package cn.liangxian.gateway;

import cn.liangxian.gateway.support.TestGateway;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir
  Path dir;


  private String run(Map<String, String> env) {
    PrintStream err = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run(new String[0], env)).isEqualTo(2);
    } finally {
      System.setErr(err);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aTypoInTheConfigurationStopsTheStartWithOneLineNamingFileAndKey() throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, Files.readString(TestGateway.repo().resolve("config/gateway.yaml")).replace("  sandbox: true", "  sandbx: true"));
    String said = run(Map.of("GATEWAY_CONFIG", file.toString(), "GATEWAY_DATA_DIR", dir.toString()));
    assertThat(said.lines()).containsExactly("gateway: " + file + ": demo.sandbx is not a setting; accepted here: roster, sandbox,"
        + " sandboxPort");
    assertThat(dir.resolve("postgres")).doesNotExist();
  }

  @Test
  void aMistypedBooleanInTheEnvironmentStopsTheStart() throws Exception {
    String said = run(Map.of("GATEWAY_CONFIG", TestGateway.repo().resolve("config/gateway.yaml").toString(), "GATEWAY_DEMO_ROSTER", "ture",
        "GATEWAY_DATA_DIR", dir.toString()));
    assertThat(said.lines()).singleElement().asString().endsWith("demo.roster (GATEWAY_DEMO_ROSTER) must be true or false, got 'ture'");
  }
}
