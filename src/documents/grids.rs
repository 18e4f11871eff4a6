//! The grid definitions of `grids/`: for each certificate, its observation grid, its dossier de
//! preuves support and its global evaluation grid.

use crate::diag::Diagnostics;
use crate::error::{Error, Result};
use crate::policy::Modality;
use crate::referentiel::Library;
use crate::source::DataSource;
use crate::yaml::{Decoder, MapReader, Node};

/// A titled box to write in.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WriteBox {
    /// Its title.
    pub title: String,
    /// Its height in mm.
    pub height: u32,
}

/// One grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GridDef {
    /// Its title.
    pub title: String,
    /// Contacts (observation grid only).
    pub contacts: u32,
    /// The modality whose items it lists; all items when `None`.
    pub modality: Option<Modality>,
    /// Boxes under the table.
    pub boxes: Vec<WriteBox>,
}

/// The three grids of a certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct CertificateGrids {
    /// The certificate id.
    pub certificate: String,
    /// Phase 2C.
    pub observation: GridDef,
    /// Phase 2A.
    pub preuves: GridDef,
    /// Phase 3.
    pub globale: GridDef,
}

/// Which grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GridKind {
    /// Phase 2C.
    Observation,
    /// Phase 2A.
    Preuves,
    /// Phase 3.
    Globale,
}

impl CertificateGrids {
    /// One of the three.
    pub fn get(&self, kind: GridKind) -> &GridDef {
        match kind {
            GridKind::Observation => &self.observation,
            GridKind::Preuves => &self.preuves,
            GridKind::Globale => &self.globale,
        }
    }
}

/// Loads the grids of `certificate` from `source`.
pub fn load_grids(source: &DataSource, library: &Library, certificate: &str) -> Result<CertificateGrids> {
    let file = source
        .files("grids", "yaml")?
        .into_iter()
        .find(|f| f.file_name() == format!("{certificate}.yaml"))
        .ok_or_else(|| Error::Unknown {
            what: "certificate with grids",
            id: certificate.to_string(),
            known: library.certificates().map(|r| r.id.clone()).collect::<Vec<_>>().join(", "),
        })?;
    let root =
        crate::yaml::parse(&file.name, &file.text).map_err(|d| Error::Invalid(Diagnostics(vec![*d])))?;
    let mut diagnostics = Diagnostics::default();
    let grids = decode(&file.name, &root, library, &mut diagnostics);
    match grids {
        Some(g) if !diagnostics.has_errors() => Ok(g),
        _ => Err(Error::Invalid(diagnostics)),
    }
}

fn decode(
    file: &str,
    root: &Node,
    library: &Library,
    diagnostics: &mut Diagnostics,
) -> Option<CertificateGrids> {
    let mut d = Decoder::new(file, diagnostics);
    let mut m = d.map(root, "")?;
    let certificate = m
        .required(&mut d, "certificate", "a certificate id")
        .and_then(|n| library.read_certificate(&mut d, n, "certificate"));
    let observation = m
        .required(&mut d, "observation", "the observation grid")
        .and_then(|n| grid(&mut d, n, "observation"));
    let preuves = m
        .required(&mut d, "preuves", "the dossier de preuves support")
        .and_then(|n| grid(&mut d, n, "preuves"));
    let globale =
        m.required(&mut d, "globale", "the global evaluation grid").and_then(|n| grid(&mut d, n, "globale"));
    m.finish(&mut d, &["certificate", "observation", "preuves", "globale"]);
    Some(CertificateGrids {
        certificate: certificate?,
        observation: observation?,
        preuves: preuves?,
        globale: globale?,
    })
}

fn grid(d: &mut Decoder, node: &Node, field: &str) -> Option<GridDef> {
    let mut m: MapReader = d.map(node, field)?;
    let title = m.required(d, "title", "text").and_then(|n| d.string(n, &format!("{field}.title")));
    let contacts =
        m.optional("contacts").and_then(|n| d.int(n, &format!("{field}.contacts"), 1, 20)).unwrap_or(0);
    let modality = m.optional("modality").and_then(|n| {
        d.choice(
            n,
            &format!("{field}.modality"),
            &[
                ("preuves", Modality::Preuves),
                ("quiz", Modality::Quiz),
                ("observation", Modality::Observation),
            ],
        )
    });
    let mut boxes = Vec::new();
    if let Some(list) = m.optional("boxes") {
        for (f, b) in d.seq(list, &format!("{field}.boxes")).unwrap_or_default() {
            let Some(mut bm) = d.map(b, &f) else { continue };
            let title = bm.required(d, "title", "text").and_then(|n| d.string(n, &format!("{f}.title")));
            let height = bm
                .required(d, "height", "millimetres")
                .and_then(|n| d.int(n, &format!("{f}.height"), 5, 200));
            bm.finish(d, &["title", "height"]);
            if let (Some(title), Some(height)) = (title, height) {
                boxes.push(WriteBox { title, height: u32::try_from(height).unwrap_or(20) });
            }
        }
    }
    m.finish(d, &["title", "contacts", "modality", "boxes"]);
    Some(GridDef { title: title?, contacts: u32::try_from(contacts).unwrap_or(0), modality, boxes })
}
