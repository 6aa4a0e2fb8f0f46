package cn.liangxian.gateway;

import cn.liangxian.gateway.config.GatewayOptions;
import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.logging.Logs;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import cn.liangxian.gateway.roster.DemoRoster;
import cn.liangxian.gateway.roster.ImportReport;
import cn.liangxian.gateway.roster.RosterImport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar gateway.jar} runs the gateway; {@code java -jar gateway.jar roster import <file>...}
 * imports rosters and department lists.
 */
public final class Main {
  private Main() {}

  /** The gateway this process serves, once started: the stop at exit stops it gracefully first. */
  private static volatile Gateway serving;

  public static void main(String[] args) {
    // however the process ends (a command done, SIGTERM, an error): the gateway stopped first if one runs, then the
    // logging, so that the stop's own lines and what the console's buffer holds are written before the JVM halts
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Gateway g = serving;
      if (g != null) {
        g.stopGracefully();
      }
      Logs.stop();
    }, "gateway-shutdown"));
    System.exit(run(args, System.getenv()));
  }

  static int run(String[] args, Map<String, String> env) {
    try {
      if (args.length == 0 || args[0].equals("run")) {
        return serve(env);
      }
      // a command's standard output is its answer (saved, piped): the log lines it writes go to standard error
      cn.liangxian.gateway.logging.BatchedConsoleAppender.toStandardError();
      if (args[0].equals("--help") || args[0].equals("help")) {
        System.out.println(HELP);
        return 0;
      }
      if (args.length == 4 && args[0].equals("roster") && args[1].equals("generate")) {
        return generate(households(args[2]), Path.of(args[3]));
      }
      if (args.length >= 2 && args[0].equals("roster") && args[1].equals("import")) {
        return importRosters(List.of(args).subList(2, args.length), env);
      }
      if (args.length == 3 && args[0].equals("callback") && args[1].equals("show")) {
        return showCallback(args[2], env);
      }
      if (args.length == 3 && args[0].equals("keys") && args[1].equals("generate")) {
        return generateKeys(Path.of(args[2]), env);
      }
      if (args.length == 2 && args[0].equals("keys") && args[1].equals("reseal")) {
        return resealKeys(env);
      }
      if (args.length == 2 && args[0].equals("demo") && args[1].equals("reset")) {
        return resetDemo(env);
      }
      if (args.length >= 4 && args.length <= 7 && args[0].equals("operator") && args[1].equals("add")) {
        return addOperator(List.of(args).subList(2, args.length), env);
      }
      System.err.println("gateway: unknown command '" + String.join(" ", args) + "'\n\n" + HELP);
      return 2;
    } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException | cn.liangxian.policy.PolicyBookException e) {
      // a configuration, a book or a file that is not right: one line naming it, no stack trace
      System.err.println("gateway: " + e.getMessage());
      return 2;
    }
  }

  static final String HELP = """
      Usage:
        java -jar gateway/target/gateway.jar                     run the gateway (port 8080, embedded PostgreSQL under ./data)
        java -jar gateway/target/gateway.jar roster import <file.csv>...
                                                                  import village rosters and department lists (UTF-8 or GB18030)
        java -jar gateway/target/gateway.jar roster generate <households> <dir>
                                                                  write a made-up roster of that size (for demos and benchmarks)
        java -jar gateway/target/gateway.jar operator add <username> <role> [<region> [<township> [<village>]]]
                                                                  create an operator account: role admin | finance | township | village;
                                                                  the password from GATEWAY_OPERATOR_PASSWORD or typed at the console
        java -jar gateway/target/gateway.jar callback show <order id | row>
                                                                  the payment channels' notifications kept for an order (or one row of
                                                                  callback_log), for a dispute: bodies opened with the personal-data key
        java -jar gateway/target/gateway.jar keys generate <dir>  a deployment's own keys, made once and copied to every instance: the
                                                                  ID keys, the hand-off key (.pub.pem for the agencies), the first
                                                                  administrator's password
        java -jar gateway/target/gateway.jar keys reseal          what an older personal-data key sealed (GATEWAY_ID_SM4_OLD_KEYS), sealed
                                                                  again under the current one (GATEWAY_ID_SM4_KEY); then the older can go
        java -jar gateway/target/gateway.jar demo reset           the demo afresh: removes the embedded database under ./data (orders,
                                                                  payments, registered kiosks); the next start loads the demo roster again
      Environment: GATEWAY_CONFIG, GATEWAY_PORT, GATEWAY_DATA_DIR, GATEWAY_DB_URL (or PGHOST/PGPORT/PGDATABASE/PGUSER/PGPASSWORD),
      GATEWAY_KEY_DIR, GATEWAY_ID_SM4_KEY, GATEWAY_ID_SM4_OLD_KEYS, GATEWAY_ID_INDEX_KEY; see config/gateway.yaml.""";

  /**
   * Removes the embedded database of a demo, so that the next start creates it and loads the demo roster
   * again; the keys stay. Refused for a database elsewhere, for a roster of real people, and while a
   * gateway still runs on it.
   */
  static int resetDemo(Map<String, String> env) {
    GatewayOptions config = GatewayOptions.load(env);
    if (config.databaseUrl().isPresent()) {
      System.err.println("gateway: demo reset removes only the embedded demo database; this configuration uses the PostgreSQL at "
          + "GATEWAY_DB_URL (or PGHOST), which it never touches");
      return 2;
    }
    if (!config.demoRoster()) {
      System.err.println("gateway: demo reset refused: demo.roster is off, so this database may hold a real roster");
      return 2;
    }
    Path pg = config.dataDir().resolve("postgres");
    if (!Files.isDirectory(pg)) {
      System.out.println("nothing to reset: no demo database at " + pg);
      return 0;
    }
    Path pid = pg.resolve("postmaster.pid");
    if (Files.isRegularFile(pid)) {
      try {
        long p = Long.parseLong(Files.readAllLines(pid).get(0).strip());
        if (ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)) {
          System.err.println("gateway: demo reset refused: a PostgreSQL (process " + p + ") still runs on " + pg + "; stop the gateway first");
          return 2;
        }
      } catch (IOException | RuntimeException e) {
        // an unreadable pid file is a stale one: the server it named is gone
      }
    }
    try (var files = Files.walk(pg)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    } catch (IOException e) {
      System.err.println("gateway: demo reset could not remove " + pg + ": " + e.getMessage());
      return 1;
    }
    System.out.println("demo database removed (" + pg + "); the next start loads the demo roster again");
    return 0;
  }

  private static int serve(Map<String, String> env) {
    GatewayOptions config = GatewayOptions.load(env);
    Gateway g = Gateway.start(config, env, Clock.systemUTC());
    serving = g;
    Logs.flush(); // the start's lines before the banner, not after it
    System.out.println(banner(g, config, env));
    return waitForever();
  }

  /** What a newcomer sees at start: where everything answers and, with the demo roster alone, residents to try. */
  static String banner(Gateway g, GatewayOptions config, Map<String, String> env) {
    String base = "http://127.0.0.1:" + g.httpPort();
    StringBuilder sb = new StringBuilder("\n  Liangxian gateway is up\n\n")
        .append("  API             ").append(base).append("/api/v1/lookup   (POST {\"idNumber\", \"name\"})\n")
        .append("  OpenAPI         ").append(base).append("/openapi.yaml\n")
        .append("  Health          ").append(base).append("/health/ready\n")
        .append("  Metrics         ").append(base).append("/metrics\n")
        .append("  Operators       ").append(base).append("/api/v1/operator/login   (first account 'admin', its password in ")
        .append(env.containsKey("GATEWAY_OPERATOR_ADMIN_PASSWORD") ? "GATEWAY_OPERATOR_ADMIN_PASSWORD"
            : config.keyDir().resolve("operator-admin.password")).append(")\n")
        .append(g.sandboxUrl().map(url -> "  Phone demo      " + base + "/demo/   (the mini-program flow: lookup, family, pay,"
            + " receipt)\n  Channel sandbox " + url + "   (QR codes open its pay page)\n").orElse(""))
        .append(g.demoAgency() == null ? "" : "  Agency simulator " + g.demoAgency().baseUrl()
            + "   (receiving agencies; GET /agency/ledger)\n")
        .append("\n");
    // made-up residents only while the demo roster is all that is loaded: a real roster never reaches a log
    List<String[]> examples = config.demoRoster() ? DemoRoster.examples(g.database(), g.cipher(), 5) : List.of();
    if (!examples.isEmpty()) {
      sb.append("  Demo residents to try (made up):\n");
      for (String[] e : examples) {
        sb.append("    ").append(e[0]).append("  ").append(e[1]).append("  (").append(e[2]).append(")\n");
      }
    } else if (config.demoRoster()) {
      sb.append("  No demo residents are listed: a roster besides the demo's was imported here, and imported residents\n")
          .append("  are never printed (`java -jar gateway/target/gateway.jar demo reset` starts the demo afresh).\n");
    }
    sb.append("\n  curl -s -X POST ").append(base).append("/api/v1/lookup -H 'Content-Type: application/json' \\\n")
        .append("       -d '{\"idNumber\":\"<ID number>\",\"name\":\"<name>\"}'\n");
    return sb.toString();
  }

  private static int waitForever() {
    try {
      Thread.currentThread().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** The number of households to generate: a whole number from 1 to 10,000,000. */
  static int households(String s) {
    int n;
    try {
      n = Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("roster generate: <households> must be a whole number, got '" + s + "'");
    }
    if (n < 1 || n > 10_000_000) {
      throw new IllegalArgumentException("roster generate: <households> must be 1 to 10000000, got " + n);
    }
    return n;
  }

  private static int generate(int households, Path dir) {
    try {
      Files.createDirectories(dir);
      List<String> csv = DemoRoster.csv(households, 7L);
      Files.writeString(dir.resolve("village-roster.csv"), csv.get(0));
      Files.writeString(dir.resolve("department-lists.csv"), csv.get(1));
      System.out.println("wrote " + dir.resolve("village-roster.csv") + " (" + (csv.get(0).lines().count() - 1) + " persons) and "
          + dir.resolve("department-lists.csv") + " (" + (csv.get(1).lines().count() - 1) + " rows)");
      return 0;
    } catch (java.io.IOException e) {
      System.err.println("gateway: cannot write to " + dir + ": " + e.getMessage());
      return 2;
    }
  }

  private static int addOperator(List<String> a, Map<String, String> env) {
    cn.liangxian.gateway.operator.Role role = cn.liangxian.gateway.operator.Role.of(a.get(1)).orElse(null);
    if (role == null) {
      System.err.println("gateway: the role is admin, finance, township or village, not '" + a.get(1) + "'");
      return 2;
    }
    cn.liangxian.gateway.operator.Scope scope = new cn.liangxian.gateway.operator.Scope(a.size() > 2 ? a.get(2) : null,
        a.size() > 3 ? a.get(3) : null, a.size() > 4 ? a.get(4) : null);
    String password = env.get("GATEWAY_OPERATOR_PASSWORD");
    if (password == null) {
      if (System.console() == null) {
        System.err.println("gateway: give the password in GATEWAY_OPERATOR_PASSWORD (no console to type it at)");
        return 2;
      }
      password = new String(System.console().readPassword("password for %s: ", a.get(0)));
      if (!password.equals(new String(System.console().readPassword("again: ")))) {
        System.err.println("gateway: the passwords differ; nothing created");
        return 2;
      }
    }
    GatewayOptions config = GatewayOptions.load(env);
    Regions regions = Regions.load(config, Clock.systemUTC());
    cn.liangxian.gateway.operator.PasswordHasher hasher = cn.liangxian.gateway.operator.PasswordHasher.configured(config);
    String cheap = hasher.belowOwaspWarning();
    if (cheap != null) {
      // as the gateway's start logs it: whoever makes an account here may never read that log
      System.err.println("gateway: warning: " + cheap);
    }
    try (Database db = Database.start(config)) {
      db.migrate();
      new RosterImport(db, PersonalDataCipher.load(config.keyDir(), env), RosterImport.regionInfo(regions)).registerRegions();
      new cn.liangxian.gateway.operator.OperatorAccounts(db, hasher).create(a.get(0), a.get(0), role, scope, password, "cli");
    }
    System.out.println("created operator " + a.get(0) + " (" + role.code() + ", " + scope + ")");
    return 0;
  }

  private static int showCallback(String which, Map<String, String> env) {
    if (!which.matches("\\d{1,18}|\\p{XDigit}{8}(-\\p{XDigit}{4}){3}-\\p{XDigit}{12}")) {
      System.err.println("gateway: callback show: give a row of callback_log by its number, or an order by its id"
          + " (e.g. 3f0c1d2e-...), not '" + which + "'");
      return 2;
    }
    return onDeployment(env, "callback show", (db, cipher) -> {
      List<String> shown = cn.liangxian.gateway.payment.CallbackLog.show(db, cipher, which);
      if (shown.isEmpty()) {
        System.err.println("gateway: callback show: no callback of " + which + " is kept in " + db.address()
            + " (none received, or past its retention)");
        return 1;
      }
      System.out.println(String.join("\n\n", shown));
      return 0;
    });
  }

  /** What a command does on a deployment's database with its keys; its exit status. */
  private interface DeploymentCommand {
    int run(Database db, PersonalDataCipher cipher) throws java.sql.SQLException;
  }

  /**
   * Runs {@code command} on the deployment's database and keys, read as they are: no migration (a newer jar's would change
   * the schema under the running gateways), and never keys or an embedded database made afresh (exit 2, said on the
   * console, where there is no deployment here). The keys are checked against the database first; a tool only reads,
   * so it is not checked against the processes connected.
   */
  private static int onDeployment(Map<String, String> env, String name, DeploymentCommand command) {
    GatewayOptions config = GatewayOptions.load(env);
    java.util.Optional<PersonalDataCipher> keys = PersonalDataCipher.existing(config.keyDir(), env);
    if (config.databaseUrl().isEmpty() && !Files.isRegularFile(config.dataDir().resolve("postgres").resolve("PG_VERSION"))
        || keys.isEmpty()) {
      System.err.println("gateway: " + name + ": no deployment here: set GATEWAY_DB_URL (or PGHOST) to its database and"
          + " GATEWAY_KEY_DIR (or GATEWAY_ID_SM4_KEY, GATEWAY_ID_SM4_OLD_KEYS and GATEWAY_ID_INDEX_KEY) to its keys");
      return 2;
    }
    try (Database db = Database.start(config)) {
      cn.liangxian.gateway.privacy.SharedKeys.check(db, keys.get(), false);
      return command.run(db, keys.get());
    } catch (java.sql.SQLException e) {
      System.err.println("gateway: " + name + ": " + e.getMessage());
      return 1;
    }
  }

  /**
   * {@code gateway keys generate <dir>}: a deployment's own keys, made once and copied to every instance's key folder (a
   * first start would make demo keys of its own on each): the ID keys, the hand-off key and its public half for the
   * agencies, the first administrator's password. Refused where any of them is there already.
   */
  static int generateKeys(Path dir, Map<String, String> env) {
    GatewayOptions config = GatewayOptions.load(env);
    String handoff = config.handoff().keyFile();
    List<String> files = new java.util.ArrayList<>(cn.liangxian.gateway.privacy.PersonalDataCipher.KEY_FILES);
    files.add(handoff);
    String agencies = cn.liangxian.gateway.handoff.ExchangeKeys.publicFile(handoff);
    files.add(agencies);
    files.add(cn.liangxian.gateway.operator.OperatorAccounts.ADMIN_PASSWORD_FILE);
    for (String f : files) {
      if (Files.exists(dir.resolve(f))) {
        System.err.println("gateway: keys generate: " + dir.resolve(f) + " is there already: a deployment's keys are made once"
            + " (copy that folder to every instance); nothing written");
        return 2;
      }
    }
    try {
      Files.createDirectories(dir);
      if (!cn.liangxian.gateway.privacy.PersonalDataCipher.writeNewKeys(dir)
          || !cn.liangxian.gateway.handoff.ExchangeKeys.create(dir, handoff, config.handoff().scheme())) {
        System.err.println("gateway: keys generate: another process wrote keys to " + dir + " meanwhile");
        return 2;
      }
      cn.liangxian.gateway.config.SecretFile.readOrCreate(dir.resolve(cn.liangxian.gateway.operator.OperatorAccounts
          .ADMIN_PASSWORD_FILE), "the first administrator's password");
    } catch (IOException e) {
      System.err.println("gateway: keys generate: cannot write to " + dir + ": " + e.getMessage());
      return 1;
    }
    System.out.println("wrote the deployment's keys to " + dir + ": " + String.join(", ", files) + "\n"
        + "copy the folder to every instance's key folder (GATEWAY_KEY_DIR), with the merchants' keys; give the agencies "
        + agencies + "; keep a copy with the backups (the ID keys open the data they sealed)");
    return 0;
  }

  /** {@code gateway keys reseal}: see {@link cn.liangxian.gateway.privacy.KeyRotation}. */
  private static int resealKeys(Map<String, String> env) {
    // the reseal checks the processes connected itself, as sealing under this key
    return onDeployment(env, "keys reseal", (db, cipher) -> {
      var r = cn.liangxian.gateway.privacy.KeyRotation.reseal(db, cipher);
      System.out.println("sealed again under the current key: " + r.idNumbers() + " ID numbers, " + r.tails()
          + " masked numbers' tails, " + r.guardianPhones() + " guardians' phones, " + r.callbackBodies()
          + " channel notifications, and the deployment's key check");
      if (r.unopened() > 0) {
        System.err.println("gateway: keys reseal: " + r.unopened() + " values open with none of the keys given and were left"
            + " as they are: give the key they were sealed under in GATEWAY_ID_SM4_OLD_KEYS and run it again");
        return 1;
      }
      System.out.println(cipher.olderKeys() == 0 ? "nothing is sealed under another key"
          : "nothing is left under an older key: GATEWAY_ID_SM4_OLD_KEYS (or id-sm4.old-keys) can be emptied on every"
              + " instance (keep the older keys with the backups taken before)");
      return 0;
    });
  }

  private static int importRosters(List<String> files, Map<String, String> env) {
    if (files.isEmpty()) {
      System.err.println("gateway: roster import needs at least one CSV file");
      return 2;
    }
    for (String f : files) {
      if (!Files.isRegularFile(Path.of(f))) {
        System.err.println("gateway: no such file: " + f);
        return 2;
      }
    }
    GatewayOptions config = GatewayOptions.load(env);
    Regions regions = Regions.load(config, Clock.systemUTC());
    try (Database db = Database.start(config)) {
      db.migrate();
      PersonalDataCipher cipher = PersonalDataCipher.load(config.keyDir(), env);
      cn.liangxian.gateway.privacy.SharedKeys.check(db, cipher);
      RosterImport importer = new RosterImport(db, cipher, RosterImport.regionInfo(regions));
      importer.registerRegions();
      int status = 0;
      for (String f : files) {
        ImportReport r = importer.importFile(Path.of(f));
        System.out.println(r.summary());
        r.problems().forEach(p -> System.out.println("  " + p));
        if (!r.problems().isEmpty()) {
          status = 1;
        }
      }
      return status;
    }
  }
}
