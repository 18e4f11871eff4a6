//! Realistic synthetic dossiers, reproducible from a seed: every certificate, route and outcome
//! represented, for tests and benchmarks (`cqpt example generate`). Each dossier comes with the
//! outcome it was built to have, so that tests can check the engine against the design.

use crate::dossier::Proposal;
use crate::policy::{Modality, Policy};
use crate::referentiel::Library;
pub use crate::rng::Rng;
use std::fmt::Write;

/// What a generated dossier was built to give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intended {
    /// Certificate.
    pub certificate: String,
    /// Route.
    pub route: String,
    /// Evaluating body's name.
    pub body: String,
    /// Year of the application.
    pub year: i32,
    /// The rejection reason, when built not recevable.
    pub reason: Option<&'static str>,
    /// The blocking finding, when built blocked.
    pub blocked_by: Option<&'static str>,
    /// The proposal, when synthesised.
    pub proposal: Option<Proposal>,
    /// The commission's decision, when recorded.
    pub decision: Option<Proposal>,
}

/// A generated dossier.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Its file name.
    pub file_name: String,
    /// Its YAML text.
    pub yaml: String,
    /// What it should give.
    pub intended: Intended,
}

const GIVEN: &[&str] = &[
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Inès",
    "Sarah",
    "Julie",
    "Emma",
    "Nadia",
    "Sophie",
    "Hugo",
    "Lucas",
    "Thomas",
    "Nicolas",
    "Karim",
    "Mehdi",
    "Julien",
    "Antoine",
    "Maxime",
    "Yann",
    "Aurélie",
    "Élodie",
    "Stéphane",
    "Gaëlle",
];
const FAMILY: &[&str] = &[
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "N'Diaye", "Benali", "Le Goff",
];
const EMPLOYERS: &[&str] = &[
    "Téléphonie Ouest SA",
    "Opéra Télécom",
    "Rhône Mobiles SAS",
    "Centre d'appels Atlantique",
    "Fibre Bourgogne",
    "Boutiques Azur Télécom",
    "Nord Contact Services",
    "Alpes Numérique",
];
const BODIES: &[(&str, &str, &str)] = &[
    ("OE-012", "Évalia Conseil", "Sophie Bernard"),
    ("OE-031", "Cap Compétences Télécom", "Hélène Vasseur"),
    ("OE-047", "Certif'Pro Relation Client", "Marc Olivier"),
    ("OE-058", "Parcours & Qualification", "Isabelle Caron"),
];
const REJECTIONS: &[&str] = &[
    "route-not-admitted",
    "not-branch-employee",
    "contract-not-aimed-at-certificate",
    "contract-ended-outside-window",
    "experience-under-one-year",
    "experience-outside-window",
    "hours-under-minimum",
    "no-proof-of-activity",
    "no-sworn-statement",
];
const BLOCKS: &[&str] = &[
    "evaluator-trained-candidate",
    "accreditation-expired",
    "observation-too-few-contacts",
    "observation-too-long",
];

fn date(y: i32, m: u32, d: u32) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// Generates `count` dossiers from `seed`, with application years spread over `years`.
pub fn generate(
    library: &Library,
    policy: &Policy,
    count: usize,
    seed: u64,
    years: &[i32],
) -> Vec<Generated> {
    let certificates: Vec<&str> = library.certificates().map(|r| r.id.as_str()).collect();
    let mut rng = Rng::new(seed);
    (0..count).map(|i| one(library, policy, &certificates, years, &mut rng, i)).collect()
}

fn one(
    library: &Library,
    policy: &Policy,
    certificates: &[&str],
    years: &[i32],
    rng: &mut Rng,
    i: usize,
) -> Generated {
    let certificate = certificates[i % certificates.len()].to_string();
    let year = *rng.pick(years);
    let month = 1 + rng.below(6) as u32;
    let submitted = date(year, month, 2 + rng.below(20) as u32);
    let decided = date(year, month, 24);
    let eval_month = month + 1 + rng.below(2) as u32;
    let assessed = date(year, eval_month, 5 + rng.below(10) as u32);
    let synthese = date(year, eval_month + 1, 3);
    let decision_date = date(year, eval_month + 2, 10);
    let (body_id, body_name, evaluator) = *rng.pick(BODIES);
    // The outcome this dossier is built for.
    let roll = rng.below(100);
    let reason = (roll < 16).then(|| *rng.pick(REJECTIONS));
    let blocked_by = (16..24).contains(&roll).then(|| *rng.pick(BLOCKS));
    let target = match roll {
        24..=39 => Proposal::EvaluationComplementaire,
        40..=47 => Proposal::NonAttribution,
        _ => Proposal::Attribution,
    };
    let mut route = *rng.pick(&[
        "contrat-de-professionnalisation",
        "periode-de-professionnalisation",
        "plan-de-formation",
        "plan-de-formation",
        "dif",
        "cif",
        "fin-contrat-de-professionnalisation",
    ]);
    match reason {
        Some("route-not-admitted") => route = "vae",
        Some("contract-not-aimed-at-certificate" | "contract-ended-outside-window") => {
            route = "fin-contrat-de-professionnalisation"
        }
        Some("experience-outside-window" | "hours-under-minimum") => {
            route = if rng.chance(0.5) { "dif" } else { "cif" }
        }
        // Under a year on a free-access route would also miss the hours: keep one reason.
        Some("experience-under-one-year") if matches!(route, "dif" | "cif") => route = "plan-de-formation",
        Some(_) if route == "fin-contrat-de-professionnalisation" => route = "plan-de-formation",
        _ => {}
    }
    let young = route == "fin-contrat-de-professionnalisation";
    // The contract ends just before the application, or two years before for that rejection.
    let ended_long_ago = reason == Some("contract-ended-outside-window");
    let contract_end = date(if ended_long_ago { year - 2 } else { year }, month, 1);
    let contract_start = date(if ended_long_ago { year - 3 } else { year - 1 }, month, 1);
    let given = *rng.pick(GIVEN);
    let family = *rng.pick(FAMILY);
    let employer = *rng.pick(EMPLOYERS);
    let mut y = String::with_capacity(16 * 1024);
    let _ = writeln!(y, "# Dossier synthétique n° {} (cqpt example generate)", i + 1);
    let _ = writeln!(
        y,
        "candidate: {{id: SYN-{year}-{:05}, family_name: \"{family}\", given_name: \"{given}\"}}",
        i + 1
    );
    let _ = writeln!(y, "certificate: {certificate}\nroute: {route}");
    if route == "dif" {
        let _ = writeln!(y, "priority_dif: {}", rng.chance(0.5));
    }
    if young {
        let other = certificates.iter().find(|c| **c != certificate).copied().unwrap_or("autre");
        let target =
            if reason == Some("contract-not-aimed-at-certificate") { other } else { certificate.as_str() };
        let _ = writeln!(y, "professionalisation_contract: {{target: {target}, end: {contract_end}}}");
    }
    // Employment.
    let _ = writeln!(y, "employment:");
    let start_year = year - 2 - rng.below(3) as i32;
    match reason {
        _ if young => {
            let _ = writeln!(
                y,
                "  - {{employer: \"{employer}\", in_branch: true, contract: contrat-de-professionnalisation, related: true, start: {contract_start}, end: {contract_end}, hours: 1100}}"
            );
        }
        Some("not-branch-employee") => {
            let _ = writeln!(
                y,
                "  - {{employer: \"Phone Discount SARL\", in_branch: false, contract: cdi, related: true, start: {}, hours: 4200}}",
                date(start_year, 3, 1)
            );
        }
        Some("experience-under-one-year") => {
            let _ = writeln!(
                y,
                "  - {{employer: \"{employer}\", in_branch: true, contract: cdd, related: true, start: {}, hours: 1000}}",
                date(year - 1, month + 3, 1)
            );
        }
        Some("experience-outside-window") => {
            let _ = writeln!(
                y,
                "  - {{employer: \"{employer}\", in_branch: true, contract: cdi, related: true, start: {}, end: {}, hours: 9000}}",
                date(year - 9, 1, 1),
                date(year - 4, 6, 30)
            );
            let _ = writeln!(
                y,
                "  - {{employer: \"{employer}\", in_branch: true, contract: cdi, related: true, start: {}, hours: 1700}}",
                date(year - 1, 9, 1)
            );
        }
        Some("hours-under-minimum") => {
            let _ = writeln!(
                y,
                "  - {{employer: \"{employer}\", in_branch: true, contract: cdd, related: true, start: {}, end: {}, hours: 1200}}",
                date(year - 2, 1, 1),
                date(year - 1, 6, 30)
            );
            let _ = writeln!(
                y,
                "  - {{employer: \"{employer}\", in_branch: true, contract: cdi, related: false, start: {}, hours: 300}}",
                date(year - 1, 7, 1)
            );
        }
        _ => {
            let _ = writeln!(
                y,
                "  - {{employer: \"{employer}\", in_branch: true, contract: cdi, related: true, start: {}, hours: {}}}",
                date(start_year, 1 + rng.below(12) as u32, 1),
                3300 + rng.below(3000)
            );
        }
    }
    let _ = writeln!(y, "documents:");
    if reason != Some("no-proof-of-activity") {
        let _ = writeln!(y, "  - {{kind: contrat-de-travail, date: {}}}", date(start_year, 1, 2));
        let _ = writeln!(y, "  - {{kind: bulletin-de-paie, date: {}}}", date(year, month, 1));
    }
    if reason != Some("no-sworn-statement") {
        let _ = writeln!(y, "  - {{kind: attestation-sur-honneur, date: {}}}", date(year, month, 1));
    } else if young {
        let _ = writeln!(y, "  - {{kind: autre, date: {}}}", date(year, month, 1));
    }
    if reason == Some("no-proof-of-activity") {
        let _ = writeln!(y, "  - {{kind: autre, reference: CV, date: {}}}", date(year, month, 1));
    }
    let _ = writeln!(y, "application: {{submitted: {submitted}, decided: {decided}}}");
    let mut intended = Intended {
        certificate: certificate.clone(),
        route: route.to_string(),
        body: body_name.to_string(),
        year,
        reason,
        blocked_by,
        proposal: None,
        decision: None,
    };
    if reason.is_some() {
        return Generated { file_name: format!("dossier-{:05}.yaml", i + 1), yaml: y, intended };
    }
    // Phase 2.
    let accredited = if blocked_by == Some("accreditation-expired") {
        date(year - 3, 1, 10)
    } else {
        date(year - 1, 1, 10)
    };
    let trained = blocked_by == Some("evaluator-trained-candidate");
    let _ = writeln!(
        y,
        "evaluating_body: {{id: {body_id}, name: \"{body_name}\", accredited_on: {accredited}, trained_candidate: {trained}, evaluator: \"{evaluator}\"}}"
    );
    let _ = writeln!(y, "convention: {{signed: {decided}, reference: CONV-{year}-{:05}}}", i + 1);
    let _ = writeln!(y, "evaluation_hours: {}", 2 + rng.below(3));
    let r = library.referentiel(&certificate).expect("generated for a known certificate");
    let mut general: Vec<&str> = Vec::new();
    let mut specific: Vec<&str> = Vec::new();
    for (_, x) in r.core_activities().filter_map(|a| a.knowledge.as_ref()).flat_map(|k| k.refs()) {
        let id = x.id.as_str();
        if general.contains(&id) || specific.contains(&id) {
            continue;
        }
        let Some(item) = library.item(id) else { continue };
        if policy.modalities.for_category(item.category).contains(&Modality::Observation) {
            specific.push(id);
        } else {
            general.push(id);
        }
    }
    // Levels: 3 or 4, with the gaps the target outcome needs, on items that can block (not optional).
    let can_block = |id: &&str| !policy.activities.is_optional(&r.id, id);
    let blocking_general: Vec<&str> = general.iter().copied().filter(can_block).collect();
    let blocking_specific: Vec<&str> = specific.iter().copied().filter(can_block).collect();
    let short: Vec<&str> = match target {
        Proposal::Attribution => vec![],
        Proposal::EvaluationComplementaire => {
            (0..1 + rng.below(3)).map(|_| *rng.pick(&blocking_general)).collect()
        }
        Proposal::NonAttribution => vec![*rng.pick(&blocking_specific)],
    };
    let gap_level = if target == Proposal::NonAttribution { 1 } else { 2 };
    let level = |id: &str, rng: &mut Rng| {
        if short.contains(&id) {
            gap_level
        } else if rng.chance(0.2) {
            4
        } else {
            3
        }
    };
    let _ = writeln!(y, "preuves:");
    let pieces = 3;
    for p in 0..pieces {
        let kind = ["description", "document", "temoignage"][p];
        let _ = writeln!(
            y,
            "  - id: P{}\n    title: \"Pièce {} du dossier de preuves\"\n    kind: {kind}",
            p + 1,
            p + 1
        );
        if kind == "temoignage" {
            let _ = writeln!(
                y,
                "    referee: {{name: \"{} {}\", role: superviseur}}",
                rng.pick(GIVEN),
                rng.pick(FAMILY)
            );
        }
        let _ = writeln!(y, "    assessments:");
        for id in general.iter().skip(p).step_by(pieces).take(6) {
            let l = if short.contains(id) { gap_level } else { 3 };
            let _ = writeln!(y, "      - {{item: {id}, level: {l}, on: {assessed}}}");
        }
    }
    let _ = writeln!(y, "quiz:\n  sitting: Q-{year}-{:05}\n  date: {assessed}\n  levels:", i + 1);
    for id in &general {
        let l = if short.contains(id) { gap_level } else { 3 };
        let _ = writeln!(y, "    {id}: {l}");
    }
    let contacts = match blocked_by {
        Some("observation-too-few-contacts") => {
            policy.observation.min_contacts.get(&certificate).copied().unwrap_or(3) as usize - 1
        }
        _ => policy.observation.min_contacts.get(&certificate).copied().unwrap_or(3) as usize + rng.below(3),
    };
    let end = if blocked_by == Some("observation-too-long") { "11:05" } else { "10:45" };
    let _ =
        writeln!(y, "observation:\n  date: {assessed}\n  start: \"09:00\"\n  end: \"{end}\"\n  contacts:");
    // Each item is observed in one contact, some in a second one, as an observer rates what
    // each contact shows; an item short of the level is short wherever it is observed.
    let mut per_contact: Vec<Vec<(&str, u8)>> = vec![Vec::new(); contacts.max(1)];
    for (k, id) in specific.iter().enumerate() {
        let l = level(id, rng);
        per_contact[k % contacts.max(1)].push((id, l));
        if rng.chance(0.3) && contacts > 1 {
            let other = (k + 1 + rng.below(contacts - 1)) % contacts;
            let second = if short.contains(id) { l } else { 3 };
            per_contact[other].push((id, second));
        }
    }
    for (n, list) in per_contact.iter().enumerate().take(contacts) {
        let _ = writeln!(y, "    - number: {}\n      assessments:", n + 1);
        if list.is_empty() {
            y.truncate(y.len() - "      assessments:\n".len());
            y.push_str("      assessments: []\n");
        }
        for (id, l) in list {
            let j = if *l >= 4 {
                ", justification: \"Maîtrise observée et expliquée au référent\""
            } else {
                ""
            };
            let _ = writeln!(y, "        - {{item: {id}, level: {l}{j}}}");
        }
    }
    let _ = writeln!(y, "  interview: {{done: true, notes: \"Entretien mené à l'issue de l'observation\"}}");
    let _ = writeln!(y, "synthese: {{date: {synthese}}}");
    if blocked_by.is_none() {
        intended.proposal = Some(target);
        if rng.chance(0.6) {
            let _ = writeln!(
                y,
                "decision:\n  date: {decision_date}\n  outcome: {}\n  members:",
                proposal_name(target)
            );
            for (college, n) in [("salaries", 2), ("employeurs", 2)] {
                for _ in 0..n {
                    let _ = writeln!(
                        y,
                        "    - {{name: \"{} {}\", college: {college}}}",
                        rng.pick(GIVEN),
                        rng.pick(FAMILY)
                    );
                }
            }
            intended.decision = Some(target);
        }
    }
    Generated { file_name: format!("dossier-{:05}.yaml", i + 1), yaml: y, intended }
}

fn proposal_name(p: Proposal) -> &'static str {
    match p {
        Proposal::Attribution => "attribution",
        Proposal::EvaluationComplementaire => "evaluation-complementaire",
        Proposal::NonAttribution => "non-attribution",
    }
}
