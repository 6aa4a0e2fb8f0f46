package cn.liangxian.gateway.posting;

import com.lowagie.text.Document;
import com.lowagie.text.DocumentException;
import com.lowagie.text.Element;
import com.lowagie.text.Font;
import com.lowagie.text.HeaderFooter;
import com.lowagie.text.PageSize;
import com.lowagie.text.Paragraph;
import com.lowagie.text.Phrase;
import com.lowagie.text.Rectangle;
import com.lowagie.text.pdf.BaseFont;
import com.lowagie.text.pdf.PdfPCell;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfWriter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The posting as a printable A4 PDF (OpenPDF): title, place, posting period, summary, the table (its
 * header repeated on every page), where to object, page numbers. Text is set in the PDF standard
 * Chinese font STSong-Light (Adobe-GB1), which every PDF reader supplies, so the file carries no font.
 */
public final class PostingPdf {
  private static final String[] HEAD = {"序号", "户", "姓名", "公民身份号码", "缴费状态", "个人缴费(元)", "档次(元)", "缴费日期"};
  private static final float[] WIDTHS = {6, 4, 10, 22, 14, 12, 9, 13};

  private PostingPdf() {}

  /** The fonts of one rendering: all STSong-Light, in three sizes. */
  private record Fonts(Font title, Font text, Font small) {}

  public static byte[] render(JsonObject p) {
    BaseFont song = song();
    Fonts f = new Fonts(new Font(song, 16, Font.BOLD), new Font(song, 10.5f), new Font(song, 9));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Document doc = new Document(PageSize.A4, 36, 36, 42, 42);
    try {
      open(doc, out, p, f);
      heading(doc, p, f);
      Paragraph gap = new Paragraph(" ", f.small());
      doc.add(gap);
      doc.add(table(p.getJsonArray("persons"), f.small()));
      doc.add(gap);
      doc.add(new Paragraph("公示期内如有异议，请向本村（居）委会或" + p.getString("township")
          + "社会保障服务机构反映。姓名与公民身份号码按个人信息保护要求部分隐去。", f.text()));
      doc.add(new Paragraph("制表时间：" + cn.liangxian.gateway.time.BeijingTime.paper(p.getString("generatedAt")), f.small()));
      doc.close();
    } catch (DocumentException e) {
      throw new UncheckedIOException(new IOException("the posting could not be rendered: " + e.getMessage(), e));
    }
    return out.toByteArray();
  }

  private static BaseFont song() {
    try {
      return BaseFont.createFont("STSong-Light", "UniGB-UCS2-H", BaseFont.NOT_EMBEDDED);
    } catch (DocumentException | IOException e) {
      throw new IllegalStateException("the Chinese standard font is missing from the PDF library", e);
    }
  }

  /** PDF 1.7 with title and creator, page numbers at the foot of every page. */
  private static void open(Document doc, ByteArrayOutputStream out, JsonObject p, Fonts f) throws DocumentException {
    PdfWriter writer = PdfWriter.getInstance(doc, out);
    writer.setPdfVersion(PdfWriter.VERSION_1_7);
    doc.addTitle(p.getString("village") + " " + Posting.title(p));
    doc.addCreator("liangxian gateway");
    HeaderFooter footer = new HeaderFooter(new Phrase("第 ", f.small()), new Phrase(" 页", f.small()));
    footer.setAlignment(Element.ALIGN_CENTER);
    footer.setBorder(Rectangle.NO_BORDER);
    doc.setFooter(footer);
    doc.open();
  }

  /** Title, place and posting period, and the summary line. */
  private static void heading(Document doc, JsonObject p, Fonts f) throws DocumentException {
    Paragraph t = new Paragraph(p.getString("village") + Posting.title(p), f.title());
    t.setAlignment(Element.ALIGN_CENTER);
    t.setSpacingAfter(8);
    doc.add(t);
    JsonObject period = p.getJsonObject("period");
    doc.add(new Paragraph(p.getString("regionName") + " " + p.getString("township") + " " + p.getString("village")
        + "　　公示期：" + zh(period.getString("from")) + " 至 " + zh(period.getString("to")), f.text()));
    JsonObject s = p.getJsonObject("summary");
    doc.add(new Paragraph("在册 " + s.getInteger("persons") + " 人：已缴费 " + s.getInteger("paid", 0) + " 人，政府代缴 "
        + s.getInteger("paid-by-government", 0) + " 人，未缴费 " + s.getInteger("unpaid", 0) + " 人，缴费中 "
        + s.getInteger("in-progress", 0) + " 人，不符合参保条件 " + s.getInteger("not-eligible", 0) + " 人；个人缴费合计 "
        + Posting.yuan(s.getLong("personalPaidFen")) + " 元。", f.text()));
  }

  /** One line per person, the grey header repeated on every page. */
  private static PdfPTable table(JsonArray persons, Font small) {
    PdfPTable table = new PdfPTable(WIDTHS);
    table.setWidthPercentage(100);
    table.setHeaderRows(1);
    for (String h : HEAD) {
      PdfPCell c = new PdfPCell(new Phrase(h, small));
      c.setHorizontalAlignment(Element.ALIGN_CENTER);
      c.setGrayFill(0.9f);
      table.addCell(c);
    }
    for (Object o : persons) {
      JsonObject l = (JsonObject) o;
      cell(table, String.valueOf(l.getInteger("no")), small, Element.ALIGN_RIGHT);
      cell(table, String.valueOf(l.getInteger("household")), small, Element.ALIGN_RIGHT);
      cell(table, l.getString("name"), small, Element.ALIGN_LEFT);
      cell(table, l.getString("idNumber"), small, Element.ALIGN_LEFT);
      cell(table, l.getString("statusText"), small, Element.ALIGN_LEFT);
      cell(table, l.getLong("personalFen") == null ? "" : Posting.yuan(l.getLong("personalFen")), small, Element.ALIGN_RIGHT);
      cell(table, l.getInteger("tierYuan") == null ? "" : l.getInteger("tierYuan").toString(), small, Element.ALIGN_RIGHT);
      cell(table, l.getString("paidOn") == null ? "" : l.getString("paidOn"), small, Element.ALIGN_CENTER);
    }
    return table;
  }

  private static void cell(PdfPTable t, String s, Font f, int align) {
    PdfPCell c = new PdfPCell(new Phrase(s, f));
    c.setHorizontalAlignment(align);
    t.addCell(c);
  }

  private static String zh(String isoDate) {
    String[] d = isoDate.split("-");
    return Integer.parseInt(d[0]) + "年" + Integer.parseInt(d[1]) + "月" + Integer.parseInt(d[2]) + "日";
  }
}
