//! `cqpt dossier check`, `cqpt recevabilite`, `cqpt synthese`: one dossier through the phases.

use super::{EXIT_BLOCKED, EXIT_OK, Format, Outcome, print_json};
use clap::Args;
use cqpt::Error;
use cqpt::context;
use cqpt::date::Date;
use cqpt::documents::{Labels, labelled};
use cqpt::dossier::Dossier;
use cqpt::evaluate::load_and_evaluate;
use cqpt::phases::{Evaluation, ItemStatus};
use cqpt::render::french;
use cqpt::source::DataSource;
use std::path::PathBuf;

/// Options shared by the dossier commands.
#[derive(Debug, Args)]
pub struct DossierArgs {
    /// The dossier file (YAML, see examples/README.md).
    pub dossier: PathBuf,
    /// The evaluation date (YYYY-MM-DD); by default the latest date the dossier records.
    /// Dates after it are errors.
    #[arg(long, value_name = "DATE")]
    pub date: Option<Date>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// A dossier, its evaluation, the labels of the codes and the title of its certificate.
struct Evaluated {
    dossier: Dossier,
    e: Evaluation,
    labels: Labels,
    /// The certificate's title, with its id.
    title: String,
}

/// Loads the context and the dossier, and evaluates it.
fn evaluate(source: &DataSource, args: &DossierArgs) -> Result<Evaluated, Error> {
    let (library, policy) = context::load_context(source)?;
    let labels = context::load_labels(source)?;
    let (dossier, e) = load_and_evaluate(&args.dossier, &library, &policy, args.date)?;
    let title = library
        .referentiel(&e.certificate)
        .map_or_else(|| e.certificate.clone(), |r| format!("{} [{}]", r.title, r.id));
    Ok(Evaluated { dossier, e, labels, title })
}

/// `cqpt dossier check`.
pub fn check(source: &DataSource, args: &DossierArgs) -> Outcome {
    let Evaluated { e, labels, title, .. } = evaluate(source, args)?;
    let code = if e.blocked() { EXIT_BLOCKED } else { EXIT_OK };
    if args.format == Format::Json {
        print_json(&labelled::evaluation_json(&e, &labels))?;
        return Ok(code);
    }
    println!("Dossier {} — {} — {title}", e.candidate, e.name);
    println!("Au {} : phase {} ({})", french::date(e.date), e.state.phase, e.state.phase_label);
    print_recevabilite(&e, &labels);
    print_findings(&e, &labels);
    if let Some(s) = &e.synthese {
        println!("Proposition : {}", labels.proposal(s.proposal));
    }
    if let Some(d) = &e.decision {
        let units = if d.units.is_empty() {
            String::new()
        } else {
            format!(" — unités validées : {}", d.units.join(", "))
        };
        println!("Décision du {} : {}{units}", french::date(d.date), labels.proposal(d.outcome));
    }
    if !e.state.missing.is_empty() {
        println!("Pour poursuivre :");
        for m in &e.state.missing {
            println!("  - {m}");
        }
    }
    Ok(code)
}

/// `cqpt recevabilite`.
pub fn recevabilite(source: &DataSource, args: &DossierArgs) -> Outcome {
    let Evaluated { dossier, e, labels, title } = evaluate(source, args)?;
    if args.format == Format::Json {
        return print_json(&labelled::recevabilite_json(&e.recevabilite, &labels));
    }
    println!("Dossier {} — {} — {title}", e.candidate, e.name);
    println!("Voie d'accès : {} [{}]", labels.route(dossier.route), dossier.route);
    print_recevabilite(&e, &labels);
    let f = &e.recevabilite.facts;
    println!(
        "Expérience en rapport direct : {} jours, dont {} depuis le {} ({} heures)",
        f.related_days,
        f.window_days,
        french::date(f.window_start),
        f.window_hours.floor()
    );
    Ok(EXIT_OK)
}

/// `cqpt synthese`.
pub fn synthese(source: &DataSource, args: &DossierArgs) -> Outcome {
    let Evaluated { e, labels, title, .. } = evaluate(source, args)?;
    if args.format == Format::Json {
        print_json(&labelled::evaluation_json(&e, &labels))?;
        return Ok(if e.synthese.is_some() { EXIT_OK } else { EXIT_BLOCKED });
    }
    println!("Synthèse — dossier {} — {} — {title}", e.candidate, e.name);
    let Some(s) = &e.synthese else {
        print_recevabilite(&e, &labels);
        print_findings(&e, &labels);
        println!("Pas de synthèse : {}", e.state.missing.join(" ; "));
        return Ok(EXIT_BLOCKED);
    };
    if let Some(c) = &e.carry_over {
        let kept = if c.applies { "savoirs communs conservés" } else { "report expiré" };
        println!(
            "CQPT {} obtenu le {} : {kept} (jusqu'au {})",
            c.certificate,
            french::date(c.awarded),
            french::date(c.valid_until)
        );
    }
    for a in &s.activities {
        let over = a
            .override_reason
            .as_ref()
            .map(|r| format!(" (calculé : {} ; modifié : {r})", labels.activity_status(a.computed)))
            .unwrap_or_default();
        let earlier = a
            .unit_acquired_on
            .map(|d| format!(" (unité acquise le {})", french::date(d)))
            .unwrap_or_default();
        println!("\n[{}] {} — {}{over}{earlier}", a.id, a.title, labels.activity_status(a.status));
        println!("  {} / {} au niveau requis ({})", a.reached, a.items.len(), s.required);
        for id in &a.items {
            let Some(i) = s.item(id) else { continue };
            if matches!(i.status, ItemStatus::Atteint | ItemStatus::UniteAcquise) {
                continue;
            }
            let level = i.level.map_or("non évalué".to_string(), |l| format!("niveau {l}"));
            println!("  - {} : {level}", i.label);
        }
    }
    print_units(s, &labels);
    println!("\nProposition : {}", labels.proposal(s.proposal));
    if let Some(r) = &s.proposal_override_reason {
        println!("  (calculée : {} ; modifiée par l'évaluateur : {r})", labels.proposal(s.computed_proposal));
    }
    for i in s.items.iter().filter(|i| i.overridden.is_some()) {
        if let Some((level, reason)) = &i.overridden {
            println!("Niveau modifié : {} → {level} ({reason})", i.label);
        }
    }
    if !s.to_evaluate_again.is_empty() {
        println!("À évaluer de nouveau : {}", s.to_evaluate_again.join(", "));
    }
    print_findings(&e, &labels);
    println!(
        "Financement : {}, {} ({})",
        labels.payer(e.funding.payer),
        french::euros(e.funding.euros),
        french::dates_in(&e.funding.basis)
    );
    Ok(EXIT_OK)
}

/// The units of a certificate assessed unit by unit, each with its status.
fn print_units(s: &cqpt::phases::Synthese, labels: &Labels) {
    if s.units.is_empty() {
        return;
    }
    println!("\nUnités (blocs de compétences) :");
    for u in &s.units {
        let code = u.code.as_ref().map(|c| format!("{c} — ")).unwrap_or_default();
        let kept = u.kept.as_ref().map_or(String::new(), |k| {
            let until = k.until.map_or("à vie".to_string(), |d| format!("jusqu'au {}", french::date(d)));
            format!(" le {} (décision antérieure, conservée {until})", french::date(k.on))
        });
        println!("  [{}] {code}{} — {}{kept}", u.id, u.title, labels.unit_status(u.status));
    }
}

fn print_recevabilite(e: &Evaluation, labels: &Labels) {
    let r = &e.recevabilite;
    let date = french::date(r.date);
    println!("Recevabilité : {} (demande du {date})", labels.recevabilite(r.recevable));
    for reason in &r.reasons {
        println!(
            "  - {} [{}] : {} ({})",
            labels.reason(reason.code),
            reason.code.as_str(),
            french::dates_in(&reason.message),
            reason.article
        );
    }
}

fn print_findings(e: &Evaluation, labels: &Labels) {
    if e.findings.is_empty() {
        return;
    }
    println!("Constats :");
    for f in &e.findings {
        let severity = labels.severity(f.severity);
        let place = f.location.as_ref().map(|l| format!(" — {l}")).unwrap_or_default();
        let (label, code) = (labels.finding(f.code), f.code.as_str());
        println!("  {severity} : {label} [{code}] : {} ({}){place}", french::dates_in(&f.message), f.article);
    }
}
