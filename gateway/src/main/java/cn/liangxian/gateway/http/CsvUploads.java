package cn.liangxian.gateway.http;

import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/** The checks every CSV upload shares: {@code text/csv}, and a plain file name (for the report and the audit log). */
public final class CsvUploads {
  private static final Pattern FILE_NAME = Pattern.compile("[\\p{L}\\p{N}._-]{1,100}");

  private CsvUploads() {}

  /** The upload's file name ({@code ?file=}, else the default); 415 unless the body is {@code text/csv}. */
  public static String fileName(RoutingContext ctx, String defaultName) {
    String type = ctx.request().getHeader("Content-Type");
    if (!MediaTypes.is(type, "text/csv")) {
      throw new Problem(415, "unsupported-media-type", "Unsupported media type", "send the file as text/csv");
    }
    String file = ctx.queryParams().get("file");
    if (file == null) {
      return defaultName;
    }
    if (!FILE_NAME.matcher(file).matches()) {
      throw Problem.invalidField("file", "file must be 1-100 letters, digits, '.', '_' or '-'");
    }
    return file;
  }
}
