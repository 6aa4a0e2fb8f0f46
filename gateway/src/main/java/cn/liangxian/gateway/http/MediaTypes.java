package cn.liangxian.gateway.http;

import java.util.Locale;

/** A request's media type, read as RFC 9110 says: the type before any parameters, case-insensitive. */
public final class MediaTypes {
  private MediaTypes() {}

  /** The media type of a {@code Content-Type} header, lower case, without parameters; "" for none. */
  public static String of(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
  }

  /** True when the header names exactly {@code type} ({@code application/json; charset=utf-8} is JSON, {@code application/jsonx} is not). */
  public static boolean is(String contentType, String type) {
    return of(contentType).equals(type);
  }
}
