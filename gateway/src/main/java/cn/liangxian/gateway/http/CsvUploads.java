package cn.liangxian.gateway.http;

import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** The checks every CSV upload shares: {@code text/csv}, and a plain file name (for the report and the audit log). */
public final class CsvUploads {
  private static final Pattern FILE_NAME = Pattern.compile("[\\p{L}\\p{N}._-]{1,100}");

  private CsvUploads() {}

  /** A file's text: UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), else GB18030 (a spreadsheet's GBK). */
  public static String decode(byte[] bytes) {
    try {
      String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
      return s.startsWith("\uFEFF") ? s.substring(1) : s;
    } catch (CharacterCodingException e) {
      return new String(bytes, Charset.forName("GB18030"));
    }
  }

  /**
   * Why a CSV file's text cannot be kept, PostgreSQL refusing the NUL character in text: the line (from 1) of
   * the first one; null for none.
   */
  public static String nulProblem(String text) {
    long line = nulLine(text);
    return line < 0 ? null : "line " + line + " contains a NUL character (U+0000), which no field may hold";
  }

  /** The line (from 1) of the first NUL character in {@code text}, which PostgreSQL keeps in no text; -1 for none. */
  public static long nulLine(String text) {
    int at = text.indexOf('\0');
    return at < 0 ? -1 : 1 + text.substring(0, at).chars().filter(c -> c == '\n').count();
  }

  /**
   * Why the CSV parser gave up, for the caller: where, and what usually causes it; never the parser's own
   * message, which names Java classes and its input's source.
   */
  public static String unreadable(Throwable e) {
    long line = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
        ? j.getLocation().getLineNr() : -1;
    return "not readable as CSV" + (line > 0 ? " at line " + line : "") + " (a quote left open, or not a text file)";
  }

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
