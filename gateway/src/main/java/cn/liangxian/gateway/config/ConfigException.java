package cn.liangxian.gateway.config;

/** A setting the gateway will not start with: the message is one line naming the file, the key and what is accepted. */
public final class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
