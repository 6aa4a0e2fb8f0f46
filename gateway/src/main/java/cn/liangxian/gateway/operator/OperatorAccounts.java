package cn.liangxian.gateway.operator;

import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.gateway.config.SecretFile;
import cn.liangxian.gateway.db.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts from the command line and at start: the first administrator, and {@code gateway.jar operator add}.
 * Blocking (JDBC): never on an event loop. The HTTP routes that manage accounts are {@link AccountHandlers}.
 */
public final class OperatorAccounts {
  /** A new account; nothing when the name is taken. One text for the API and the command line. */
  static final String INSERT = "insert into operator_account (username, display_name, password_hash, role, region_code,"
      + " township, village, created_by) values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing";

  private static final Logger LOG = LoggerFactory.getLogger(OperatorAccounts.class);
  public static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{2,39}");
  /**
   * The names the gateway's own work is audited under (agencies' refunds, the scheduled reconciliation, imports from
   * the command line, the first account, the demo): no account may take one, or a district's administrator could
   * name an account after it and read every district's rows of it (the audit log shows a district its own accounts').
   */
  public static final java.util.Set<String> RESERVED = java.util.Set.of("agency", "schedule", "cli", "bootstrap", "demo", "system");
  public static final String ADMIN_PASSWORD_FILE = "operator-admin.password";

  private final Database db;
  private final PasswordHasher hasher;

  public OperatorAccounts(Database db, PasswordHasher hasher) {
    this.db = db;
    this.hasher = hasher;
  }

  /** Why this role cannot have this scope, or null when it can. */
  public static String shapeProblem(Role role, Scope scope) {
    return switch (role) {
      case ADMIN, FINANCE -> scope.township() == null ? null : role.code() + " accounts cover every region or one district";
      case TOWNSHIP -> scope.township() != null && scope.village() == null ? null
          : "a township account names its district and township";
      case VILLAGE -> scope.village() != null ? null : "a village account names its district, township and village";
    };
  }

  /**
   * On a first start (no accounts yet) creates {@code admin}, an administrator over every region, with the
   * password from {@code GATEWAY_OPERATOR_ADMIN_PASSWORD}, else a generated one written to
   * {@code operator-admin.password} in the key directory (and said so).
   */
  public void bootstrap(Path keyDir, Map<String, String> env) {
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select count(*) from operator_account")) {
      rs.next();
      if (rs.getLong(1) > 0) {
        return;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read operator accounts: " + e.getMessage(), e);
    }
    String password = env.get("GATEWAY_OPERATOR_ADMIN_PASSWORD");
    if (password == null || password.isBlank()) {
      Path p = keyDir.resolve(ADMIN_PASSWORD_FILE);
      password = SecretFile.readOrCreate(p, "the first administrator's password");
      LOG.warn("created the operator account 'admin' (administrator, every region); its password is in {}:"
          + " log in, create personal accounts, then disable 'admin'", p);
    } else {
      LOG.info("created the operator account 'admin' with the password from GATEWAY_OPERATOR_ADMIN_PASSWORD");
    }
    create("admin", "初始管理员", Role.ADMIN, Scope.ALL, password, "bootstrap");
  }

  /** Creates an account; throws IllegalArgumentException with a message for the operator when it cannot. */
  public void create(String username, String displayName, Role role, Scope scope, String password, String createdBy) {
    if (username == null || !USERNAME.matcher(username).matches()) {
      throw new IllegalArgumentException("a username is 3-40 lower-case letters, digits, '.', '_' or '-'");
    }
    if (RESERVED.contains(username)) {
      throw new IllegalArgumentException("'" + username + "' names the gateway's own work in the audit log: choose another username");
    }
    String shape = shapeProblem(role, scope);
    if (shape != null) {
      throw new IllegalArgumentException(shape);
    }
    String weak = PasswordHasher.weakness(password);
    if (weak != null) {
      throw new IllegalArgumentException(weak);
    }
    String hash = hasher.hash(password);
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(Database.jdbc(INSERT))) {
        ps.setString(1, username);
        ps.setString(2, displayName == null || displayName.isBlank() ? username : displayName.strip());
        ps.setString(3, hash);
        ps.setString(4, role.name());
        ps.setString(5, scope.region());
        ps.setString(6, scope.township());
        ps.setString(7, scope.village());
        ps.setString(8, createdBy);
        if (ps.executeUpdate() == 0) {
          throw new IllegalArgumentException("the account " + username + " exists already");
        }
        AuditLog.record(c, AuditLog.Change.of(createdBy, "account.create", username, new io.vertx.core.json.JsonObject()
            .put("username", username).put("role", role.code()).put("scope", scope.toString())));
      } catch (SQLException e) {
        c.rollback();
        if ("23503".equals(e.getSQLState())) {
          throw new IllegalArgumentException("region " + scope.region() + " is not served by this gateway");
        }
        throw e;
      }
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the account " + username + ": " + e.getMessage(), e);
    }
  }
}
