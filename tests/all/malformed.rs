//! Malformed input of every loader (référentiels, dossiers, quiz bank, policy, grids,
//! templates, answer sheets, raw bytes): never a panic, and every diagnostic names the file.

use crate::builder::context;
use crate::common::{mutate, root};
use cqpt::source::SourceFile;
use proptest::prelude::*;

/// The loaders, each with a sample of its input.
#[derive(Debug, Clone, Copy)]
enum Loader {
    Referentiel,
    Dossier,
    Bank,
    Policy,
    Grids,
    Template,
    Answers,
}

const LOADERS: [Loader; 7] = [
    Loader::Referentiel,
    Loader::Dossier,
    Loader::Bank,
    Loader::Policy,
    Loader::Grids,
    Loader::Template,
    Loader::Answers,
];

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

fn sample(loader: Loader) -> String {
    match loader {
        Loader::Referentiel => read("referentiels/distance.yaml"),
        Loader::Dossier => read("examples/dossiers/01-distance-attribution.yaml"),
        Loader::Bank => read("quiz/technologique-reglementaire.yaml"),
        Loader::Policy => read("referentiels/politique.toml"),
        Loader::Grids => read("grids/distance.yaml"),
        Loader::Template => read("templates/synthese.hbs"),
        Loader::Answers => "numero;reponse;heure\n1;A;09:01\n2;B,C;09:02\n".into(),
    }
}

/// Runs `loader` on `text` under the file name `name`; the file names its diagnostics carry.
fn load(loader: Loader, name: &str, text: String) -> Vec<String> {
    let (library, _) = context();
    let file = SourceFile { name: name.into(), text: text.clone() };
    let files_of = |d: cqpt::diag::Diagnostics| d.iter().map(|d| d.location.file.clone()).collect();
    let folder = |sub: &str, file_name: &str| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        std::fs::write(dir.path().join(sub).join(file_name), &text).unwrap();
        dir
    };
    let error_files = |e: cqpt::Error| match e {
        cqpt::Error::Invalid(d) => files_of(d),
        cqpt::Error::Template { template, .. } => vec![template],
        other => vec![other.to_string()],
    };
    match loader {
        Loader::Referentiel => {
            let mut files = cqpt::source::DataSource::Embedded.referentiel_files().unwrap();
            let at = files.iter().position(|f| f.file_name() == "distance.yaml").unwrap();
            files[at] = file;
            cqpt::referentiel::load(&files).err().map(files_of).unwrap_or_default()
        }
        Loader::Dossier => {
            cqpt::dossier::load_dossier(&file, library).err().map(files_of).unwrap_or_default()
        }
        Loader::Bank => cqpt::quiz::load_bank(&[file], library).err().map(files_of).unwrap_or_default(),
        Loader::Policy => cqpt::policy::load_policy(&file, library).err().map(files_of).unwrap_or_default(),
        Loader::Grids => {
            let dir = folder("grids", "distance.yaml");
            let source = cqpt::source::DataSource::Folder(dir.path().to_path_buf());
            cqpt::documents::grids::load_grids(&source, library, "distance")
                .err()
                .map(error_files)
                .unwrap_or_default()
        }
        Loader::Template => {
            let dir = folder("templates", "synthese.hbs");
            let source = cqpt::source::DataSource::Folder(dir.path().to_path_buf());
            match cqpt::render::Templates::load(&source) {
                Ok(t) => {
                    let _ = t.render("synthese", &serde_json::json!({}));
                    vec![]
                }
                Err(e) => error_files(e),
            }
        }
        Loader::Answers => {
            let sitting = cqpt::quiz::draw(
                &cqpt::quiz::load(&cqpt::source::DataSource::Embedded, library).unwrap(),
                library,
                &context().1,
                &"distance-2b-1".parse::<cqpt::quiz::SittingId>().unwrap().spec(),
                1,
            )
            .unwrap();
            cqpt::quiz::answer_sheet::read_answers(name, &text, &sitting)
                .err()
                .map(files_of)
                .unwrap_or_default()
        }
    }
}

/// Fragments that matter to YAML, TOML, CSV, templates and our formats.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(":".to_string()),
        Just("- ".to_string()),
        Just("\n".to_string()),
        Just("[".to_string()),
        Just("{".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just(";".to_string()),
        Just("{{#if x}}".to_string()),
        Just("{{/if}}".to_string()),
        Just("{{> synthese}}".to_string()),
        Just("!table 1,2\n".to_string()),
        Just("= -2147483648\n".to_string()),
        Just("99999999999999999999999999".to_string()),
        "\\PC{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mutated_inputs_of_every_loader_never_panic_and_name_their_file(
        which in 0usize..LOADERS.len(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..40, fragment()), 1..6),
    ) {
        let loader = LOADERS[which];
        let mut text = sample(loader);
        mutate(&mut text, edits);
        for file in load(loader, "casse.txt", text) {
            let named = match loader {
                Loader::Grids => file.ends_with("grids/distance.yaml"),
                Loader::Template => file.ends_with("templates/synthese.hbs"),
                // A broken référentiel may break references from the others.
                Loader::Referentiel => file == "casse.txt" || file.starts_with("embedded:referentiels/"),
                _ => file == "casse.txt",
            };
            prop_assert!(named, "{:?}: a diagnostic names {:?}", loader, file);
        }
    }

    #[test]
    fn arbitrary_bytes_are_refused_at_their_place(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        if let Err(cqpt::Error::Invalid(d)) = cqpt::limits::utf8("casse.yaml", bytes) {
            prop_assert!(d.iter().all(|d| d.location.file == "casse.yaml" && d.location.line > 0));
        }
    }
}

/// The samples load as they are, so that the mutations above start from valid input.
#[test]
fn the_samples_load() {
    for loader in LOADERS {
        let name = match loader {
            Loader::Referentiel => "distance.yaml",
            _ => "casse.txt",
        };
        assert_eq!(load(loader, name, sample(loader)), Vec::<String>::new(), "{loader:?}");
    }
}
