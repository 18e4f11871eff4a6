//! Speed of a commission session (issue 6). Targets on the 2-core machine: 10,000 dossiers end
//! to end without PDFs in under 3 s; 1,000 with their synthesis PDFs in under 2 s.
//! Run: `cargo bench --bench session`. The whole process, with peak memory:
//! `scripts/bench-session.sh`.

// criterion's macros generate the undocumented `main` and group functions.
#![allow(missing_docs)]
// Benchmarks build their fixtures the plainest way.
#![allow(clippy::format_push_string, clippy::default_trait_access)]

use cqpt::context::load_context;
use cqpt::documents::Context;
use cqpt::dossier::load_dossier;
use cqpt::phases::evaluate;
use cqpt::render::Templates;
use cqpt::session::{self, Documents, SessionOptions};
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
    let sample = cqpt::synthetic::generate(&library, &policy, 50, 9, &[2026]);
    let complete = sample.iter().find(|g| g.intended.proposal.is_some()).expect("a complete dossier");
    let file = SourceFile { name: complete.file_name.clone(), text: complete.yaml.clone() };

    let mut stages = c.benchmark_group("one dossier");
    stages.bench_function("parse YAML", |b| {
        b.iter(|| cqpt::yaml::parse(&file.name, black_box(&file.text)).unwrap());
    });
    stages.bench_function("parse + decode", |b| b.iter(|| load_dossier(black_box(&file), &library).unwrap()));
    let dossier = load_dossier(&file, &library).unwrap();
    stages.bench_function("evaluate", |b| {
        b.iter(|| evaluate(black_box(&dossier), &library, &policy, dossier.latest_date()));
    });
    stages.finish();

    let dir = std::env::temp_dir().join(format!("cqpt-bench-session-{}", std::process::id()));
    let input_10k = dir.join("in-10000");
    let input_1k = dir.join("in-1000");
    for (folder, count) in [(&input_10k, 10_000), (&input_1k, 1_000)] {
        std::fs::create_dir_all(folder).unwrap();
        for g in cqpt::synthetic::generate(&library, &policy, count, 1, &[2025, 2026]) {
            std::fs::write(folder.join(&g.file_name), g.yaml).unwrap();
        }
    }
    let threads = session::parallel::threads();
    let mut group = c.benchmark_group("session");
    group.sample_size(10);
    group.bench_function("10,000 dossiers, no PDF", |b| {
        let options =
            SessionOptions { documents: Documents::None, threads, csv: Default::default(), date: None };
        b.iter(|| session::run(&ctx, &input_10k, &dir.join("out-10000"), options, &|_, _| {}).unwrap());
    });
    group.bench_function("1,000 dossiers with their synthesis PDFs", |b| {
        let options =
            SessionOptions { documents: Documents::Standard, threads, csv: Default::default(), date: None };
        b.iter(|| session::run(&ctx, &input_1k, &dir.join("out-1000"), options, &|_, _| {}).unwrap());
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
