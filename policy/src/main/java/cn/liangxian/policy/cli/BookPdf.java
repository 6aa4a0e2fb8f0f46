package cn.liangxian.policy.cli;

import cn.liangxian.policy.BookTables.Table;
import com.lowagie.text.Document;
import com.lowagie.text.DocumentException;
import com.lowagie.text.Element;
import com.lowagie.text.Font;
import com.lowagie.text.PageSize;
import com.lowagie.text.Paragraph;
import com.lowagie.text.Phrase;
import com.lowagie.text.pdf.BaseFont;
import com.lowagie.text.pdf.PdfPCell;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The book's tables as an A4 PDF for the policy office to proofread, set (like the gateway's public
 * posting) in STSong-Light, the standard Chinese font PDF readers supply, so the file carries no font.
 */
final class BookPdf {
  private BookPdf() {}

  static byte[] render(String title, List<Table> tables) {
    BaseFont song;
    try {
      song = BaseFont.createFont("STSong-Light", "UniGB-UCS2-H", BaseFont.NOT_EMBEDDED);
    } catch (DocumentException | IOException e) {
      throw new IllegalStateException("the Chinese standard font is missing from the PDF library", e);
    }
    Font heading = new Font(song, 15, Font.BOLD);
    Font caption = new Font(song, 11, Font.BOLD);
    Font text = new Font(song, 9);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Document doc = new Document(PageSize.A4, 36, 36, 42, 42);
    try {
      PdfWriter.getInstance(doc, out);
      doc.addTitle(title);
      doc.addCreator("policy.jar explain");
      doc.open();
      Paragraph h = new Paragraph(title, heading);
      h.setAlignment(Element.ALIGN_CENTER);
      doc.add(h);
      for (Table t : tables) {
        Paragraph c = new Paragraph(t.title(), caption);
        c.setSpacingBefore(10);
        c.setSpacingAfter(4);
        doc.add(c);
        doc.add(table(t, text));
      }
      doc.close();
    } catch (DocumentException e) {
      throw new UncheckedIOException(new IOException("the book could not be rendered: " + e.getMessage(), e));
    }
    return out.toByteArray();
  }

  private static PdfPTable table(Table t, Font text) {
    PdfPTable table = new PdfPTable(t.head().size());
    table.setWidthPercentage(100);
    table.setHeaderRows(1);
    for (String h : t.head()) {
      PdfPCell cell = new PdfPCell(new Phrase(h, text));
      cell.setGrayFill(0.9f);
      table.addCell(cell);
    }
    for (List<String> row : t.rows()) {
      row.forEach(v -> table.addCell(new PdfPCell(new Phrase(v, text))));
    }
    return table;
  }
}
