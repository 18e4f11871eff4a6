//! Rendering speed of the documents. Target (issue 12): at most 1 ms per synthesis report on one
//! core, the fonts prepared once per process. Run: `cargo bench --bench render`.

// criterion's macros generate the undocumented `main` and group functions.
#![allow(missing_docs)]

use cqpt::context::load_context;
use cqpt::documents::{self, Context, GridKind, ReportKind};
use cqpt::dossier::load_dossier;
use cqpt::phases::evaluate;
use cqpt::render::Templates;
use cqpt::source::{DataSource, SourceFile};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

// The same allocator as the `cqpt` binary, so that the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let (library, policy) = load_context(&DataSource::Embedded).expect("shipped data");
    let templates = Templates::load(&DataSource::Embedded).expect("templates");
    let ctx = Context::new(&library, &policy, &templates, &DataSource::Embedded);
    let path =
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/dossiers/03-distance-evaluation-complementaire.yaml");
    let file = SourceFile::read(std::path::Path::new(path)).expect("example");
    let dossier = load_dossier(&file, &library).expect("valid example");
    let evaluation = evaluate(&dossier, &library, &policy, dossier.latest_date());
    // Warm the fonts once, as a process does.
    let _ = documents::report_pdf(&ctx, ReportKind::Synthese, &dossier, &evaluation).expect("renders");

    c.bench_function("synthese report: template → layout → PDF bytes", |b| {
        b.iter(|| {
            documents::report_pdf(&ctx, ReportKind::Synthese, black_box(&dossier), black_box(&evaluation))
                .unwrap()
        });
    });
    c.bench_function("synthese report: template → layout only", |b| {
        b.iter(|| {
            documents::report_document(
                &ctx,
                ReportKind::Synthese,
                black_box(&dossier),
                black_box(&evaluation),
            )
            .unwrap()
        });
    });
    c.bench_function("evaluate dossier (all phases)", |b| {
        b.iter(|| evaluate(black_box(&dossier), &library, &policy, dossier.latest_date()));
    });
    let date = "2026-09-21".parse().unwrap();
    c.bench_function("blank observation grid, distance", |b| {
        b.iter(|| documents::grid_pdf(&ctx, "distance", GridKind::Observation, date).unwrap());
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
