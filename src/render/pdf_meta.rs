//! What printpdf 0.12.8 cannot write, added to the PDF objects it builds: the document's
//! language (`/Lang (fr-FR)`), XMP metadata consistent with the information dictionary, the
//! title shown in the reader's window, PDF 1.7, a file identifier derived from the content;
//! and what it writes wrongly, removed: an empty
//! `GTS_PDFXVersion` (a PDF/X claim the documents do not meet), empty keys.
//!
//! Everything written derives from the document, never from the clock or a random source, so
//! the same document always gives the same bytes.

use super::layout::Document;
use lopdf::{Dictionary, Object, Stream, StringFormat};

/// The language of every document.
pub const LANGUAGE: &str = "fr-FR";

/// Finishes `pdf` (as built by printpdf) with the metadata of `doc`.
pub fn finish(pdf: &mut lopdf::Document, doc: &Document) {
    pdf.version = "1.7".to_string();
    let xmp = pdf.add_object(Stream::new(
        Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Metadata".to_vec())),
            ("Subtype", Object::Name(b"XML".to_vec())),
        ]),
        xmp(doc).into_bytes(),
    ));
    if let Ok(catalog) = pdf.catalog_mut() {
        catalog.set("Lang", Object::String(LANGUAGE.as_bytes().to_vec(), StringFormat::Literal));
        catalog.set("Metadata", Object::Reference(xmp));
        catalog.set(
            "ViewerPreferences",
            Dictionary::from_iter(vec![("DisplayDocTitle", Object::Boolean(true))]),
        );
    }
    // The file identifier (ISO 32000-1, 14.4), from the content rather than printpdf's random one.
    let id = identifier(doc).replace('-', "");
    let id = Object::String(id.into_bytes(), StringFormat::Hexadecimal);
    pdf.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    let info = pdf.trailer.get(b"Info").and_then(Object::as_reference).ok();
    if let Some(info) = info.and_then(|id| pdf.get_dictionary_mut(id).ok()) {
        for key in [&b"GTS_PDFXVersion"[..], b"Identifier", b"Keywords", b"Trapped"] {
            info.remove(key);
        }
    }
}

/// The XMP packet (ISO 16684-1): Dublin Core title, author, subject and language, the dates,
/// the producer, and identifiers derived from the content.
fn xmp(doc: &Document) -> String {
    let date = format!("{}T00:00:00Z", doc.created);
    let id = identifier(doc);
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

/// A UUID-shaped identifier digested from the document's metadata and text.
fn identifier(doc: &Document) -> String {
    let seed = format!(
        "{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}",
        doc.title,
        doc.author,
        doc.subject,
        doc.created,
        doc.text()
    );
    let a = fnv1a(seed.as_bytes(), 0xcbf2_9ce4_8422_2325);
    let b = fnv1a(seed.as_bytes(), 0x8422_2325_cbf2_9ce4);
    let hex = format!("{a:016x}{b:016x}");
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

fn fnv1a(data: &[u8], basis: u64) -> u64 {
    data.iter().fold(basis, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
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
        let x = xmp(&doc("Dupont & <Fils> \"SA\""));
        assert!(x.contains("Dupont &amp; &lt;Fils&gt; &quot;SA&quot;"), "{x}");
        assert!(x.contains("<rdf:li>fr-FR</rdf:li>") && x.contains("2026-02-26T00:00:00Z"), "{x}");
        assert!(!x.contains("pdfx") && !x.contains("GTS_PDFX"), "no PDF/X claim");
    }

    #[test]
    fn identifiers_follow_the_content() {
        assert_eq!(identifier(&doc("A")), identifier(&doc("A")));
        assert_ne!(identifier(&doc("A")), identifier(&doc("B")));
    }
}
