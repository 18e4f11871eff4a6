//! The document's metadata as the PDF writer prints it: the information dictionary, the XMP
//! packet consistent with it (language `fr-FR`, dates, title shown in the reader's window), and
//! the file identifier derived from the content. No PDF/X claim, no empty keys.
//!
//! Everything written derives from the document, never from the clock or a random source, so
//! the same document always gives the same bytes.

use super::layout::Document;
use super::pdf_write::{literal, text_string};

/// The language of every document.
pub const LANGUAGE: &str = "fr-FR";

/// A date of the document as PDF writes it (7.9.4): `D:20260226000000+00'00'`.
fn pdf_date(doc: &Document) -> String {
    format!("D:{}000000+00'00'", doc.created.to_string().replace('-', ""))
}

/// Writes the information dictionary (14.3.3): title, author, subject, creator, producer, dates.
pub fn info(buf: &mut Vec<u8>, doc: &Document) {
    buf.extend_from_slice(b"<</Title ");
    text_string(buf, &doc.title);
    buf.extend_from_slice(b"/Author ");
    text_string(buf, &doc.author);
    buf.extend_from_slice(b"/Subject ");
    text_string(buf, &doc.subject);
    buf.extend_from_slice(b"/Creator (cqpt)/Producer ");
    literal(buf, concat!("cqpt ", env!("CARGO_PKG_VERSION")).as_bytes());
    let date = pdf_date(doc);
    buf.extend_from_slice(b"/CreationDate ");
    literal(buf, date.as_bytes());
    buf.extend_from_slice(b"/ModDate ");
    literal(buf, date.as_bytes());
    buf.extend_from_slice(b">>");
}

/// The file identifier as a UUID (`8-4-4-4-12` hexadecimal digits).
pub fn uuid(id: &[u8; 16]) -> String {
    let mut hex = Vec::with_capacity(32);
    super::pdf_write::hex(&mut hex, id);
    let hex = String::from_utf8(hex).expect("hexadecimal digits").to_ascii_lowercase();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// The XMP packet (ISO 16684-1): Dublin Core title, author, subject and language, the dates,
/// the producer, and identifiers derived from the content (`id`, the file identifier).
pub fn xmp(doc: &Document, id: &[u8; 16]) -> String {
    let date = format!("{}T00:00:00Z", doc.created);
    let id = uuid(id);
    format!(
        r#"<?xpacket begin="{bom}" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>{LANGUAGE}</rdf:li></rdf:Bag></dc:language>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<xmp:MetadataDate>{date}</xmp:MetadataDate>
<xmp:CreatorTool>cqpt</xmp:CreatorTool>
<pdf:Producer>cqpt {version}</pdf:Producer>
<xmpMM:DocumentID>uuid:{id}</xmpMM:DocumentID>
<xmpMM:InstanceID>uuid:{id}</xmpMM:InstanceID>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>"#,
        bom = '\u{feff}',
        title = escape(&doc.title),
        author = escape(&doc.author),
        subject = escape(&doc.subject),
        version = env!("CARGO_PKG_VERSION"),
    )
}

/// `text` with the XML special characters escaped (and control characters dropped).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str) -> Document {
        Document {
            title: title.to_string(),
            author: "Cap Compétences".to_string(),
            subject: "Synthèse".to_string(),
            created: "2026-02-26".parse().unwrap(),
            pages: Vec::new(),
        }
    }

    #[test]
    fn xmp_escapes_the_text_and_carries_language_and_date() {
        let x = xmp(&doc("Dupont & <Fils> \"SA\""), &[0xAB; 16]);
        assert!(x.contains("Dupont &amp; &lt;Fils&gt; &quot;SA&quot;"), "{x}");
        assert!(x.contains("<rdf:li>fr-FR</rdf:li>") && x.contains("2026-02-26T00:00:00Z"), "{x}");
        assert!(!x.contains("pdfx") && !x.contains("GTS_PDFX"), "no PDF/X claim");
    }

    #[test]
    fn identifiers_print_as_uuids_and_dates_as_pdf_dates() {
        let id: [u8; 16] = core::array::from_fn(|i| i as u8 * 17);
        assert_eq!(uuid(&id), "00112233-4455-6677-8899-aabbccddeeff");
        let mut buf = Vec::new();
        info(&mut buf, &doc("Synthèse"));
        let text = String::from_utf8(buf).unwrap();
        assert!(text.contains("/CreationDate (D:20260226000000+00'00')"), "{text}");
        assert!(text.contains("/Title <FEFF0053"), "{text}");
        assert!(!text.contains("GTS_PDFX") && !text.contains("Keywords"), "{text}");
    }
}
