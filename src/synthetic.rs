//! Realistic synthetic dossiers, reproducible from a seed: every certificate, route and outcome
//! represented, for tests and benchmarks (`cqpt example generate`). Each dossier comes with the
//! outcome it was built to have, so that tests can check the engine against the design.

use crate::dossier::Proposal;
use crate::policy::{Modality, Policy};
use crate::referentiel::Library;
pub use crate::rng::Rng;
use serde::Serialize;
use serde_saphyr::FlowMap;
use std::collections::BTreeMap;

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

/// The day of the month AUVICOM decides on an application.
const DECISION_DAY: u32 = 24;

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

// The dossier file as the serialiser writes it: the fields of examples/README.md, in its order.
// Optional sections are left out when absent; small records are written on one line.

/// A dossier file.
#[derive(Serialize)]
struct DossierFile {
    candidate: FlowMap<Candidate>,
    certificate: String,
    route: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    priority_dif: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    professionalisation_contract: Option<FlowMap<ProContract>>,
    employment: Vec<FlowMap<Employment>>,
    documents: Vec<FlowMap<Document>>,
    application: FlowMap<Application>,
    #[serde(flatten)]
    evaluation: Option<EvaluationPart>,
}

#[derive(Serialize)]
struct Candidate {
    id: String,
    family_name: &'static str,
    given_name: &'static str,
}

#[derive(Serialize)]
struct ProContract {
    target: String,
    end: String,
}

#[derive(Serialize)]
struct Employment {
    employer: &'static str,
    in_branch: bool,
    contract: &'static str,
    related: bool,
    start: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<String>,
    hours: u64,
}

#[derive(Serialize)]
struct Document {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<&'static str>,
    date: String,
}

#[derive(Serialize)]
struct Application {
    submitted: String,
    decided: String,
}

/// Phases 2 to 4, for a recevable dossier.
#[derive(Serialize)]
struct EvaluationPart {
    evaluating_body: FlowMap<Body>,
    convention: FlowMap<Convention>,
    evaluation_hours: u64,
    preuves: Vec<Piece>,
    quiz: Quiz,
    observation: Observation,
    synthese: FlowMap<Synthese>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decision: Option<Decision>,
}

#[derive(Serialize)]
struct Body {
    id: &'static str,
    name: &'static str,
    accredited_on: String,
    trained_candidate: bool,
    evaluator: &'static str,
}

/// The evaluation agreement between the company and the evaluating body (art. 6-2).
#[derive(Serialize)]
struct Convention {
    signed: String,
    reference: String,
}

#[derive(Serialize)]
struct Piece {
    id: String,
    title: String,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    referee: Option<FlowMap<Referee>>,
    assessments: Vec<FlowMap<Assessment>>,
}

#[derive(Serialize)]
struct Referee {
    name: String,
    role: &'static str,
}

#[derive(Serialize)]
struct Assessment {
    item: String,
    level: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'static str>,
}

#[derive(Serialize)]
struct Quiz {
    sitting: String,
    date: String,
    levels: BTreeMap<String, u8>,
}

#[derive(Serialize)]
struct Observation {
    date: String,
    start: &'static str,
    end: &'static str,
    contacts: Vec<Contact>,
    interview: FlowMap<Interview>,
}

#[derive(Serialize)]
struct Contact {
    number: usize,
    assessments: Vec<FlowMap<Assessment>>,
}

#[derive(Serialize)]
struct Interview {
    done: bool,
    notes: &'static str,
}

#[derive(Serialize)]
struct Synthese {
    date: String,
}

#[derive(Serialize)]
struct Decision {
    date: String,
    outcome: Proposal,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    units: Vec<String>,
    members: Vec<FlowMap<Member>>,
}

#[derive(Serialize)]
struct Member {
    name: String,
    college: &'static str,
}

/// What one dossier is built for, and its dates: drawn first, then the parts follow from it.
struct Plan {
    index: usize,
    certificate: String,
    year: i32,
    month: u32,
    assessed: String,
    synthese: String,
    decision_date: String,
    body: (&'static str, &'static str, &'static str),
    reason: Option<&'static str>,
    blocked_by: Option<&'static str>,
    target: Proposal,
    /// For a certificate awarded unit by unit: the items of each unit, in the order of its units.
    units: Vec<(String, Vec<String>)>,
    route: &'static str,
}

impl Plan {
    /// A candidate on the free-access route at the end of a contrat de professionnalisation.
    fn young(&self) -> bool {
        self.route == "fin-contrat-de-professionnalisation"
    }

    /// Whether the plan's rejection is a contrat de professionnalisation ended outside the window.
    fn ended_long_ago(&self) -> bool {
        self.reason == Some("contract-ended-outside-window")
    }

    /// The contrat de professionnalisation ends just before the application, or two years
    /// before for that rejection.
    fn contract_end(&self) -> String {
        date(if self.ended_long_ago() { self.year - 2 } else { self.year }, self.month, 1)
    }

    /// A year before the contract's end.
    fn contract_start(&self) -> String {
        date(if self.ended_long_ago() { self.year - 3 } else { self.year - 1 }, self.month, 1)
    }
}

fn one(
    library: &Library,
    policy: &Policy,
    certificates: &[&str],
    years: &[i32],
    rng: &mut Rng,
    i: usize,
) -> Generated {
    let (mut plan, submitted, decided) = plan(certificates, years, rng, i);
    per_unit(library, policy, &mut plan, rng);
    let given_name = *rng.pick(GIVEN);
    let family_name = *rng.pick(FAMILY);
    let candidate = Candidate { id: format!("SYN-{}-{:05}", plan.year, i + 1), family_name, given_name };
    let employer = *rng.pick(EMPLOYERS);
    let priority_dif = (plan.route == "dif").then(|| rng.chance(0.5));
    let professionalisation_contract = plan.young().then(|| {
        let other = certificates.iter().find(|c| **c != plan.certificate).copied().unwrap_or("autre");
        let target = if plan.reason == Some("contract-not-aimed-at-certificate") {
            other.to_string()
        } else {
            plan.certificate.clone()
        };
        FlowMap(ProContract { target, end: plan.contract_end() })
    });
    let start_year = plan.year - 2 - rng.below(3) as i32;
    let employment = employment(&plan, employer, start_year, rng);
    let documents = documents(&plan, start_year);
    let mut intended = Intended {
        certificate: plan.certificate.clone(),
        route: plan.route.to_string(),
        body: plan.body.1.to_string(),
        year: plan.year,
        reason: plan.reason,
        blocked_by: plan.blocked_by,
        proposal: None,
        decision: None,
    };
    let evaluation = plan.reason.is_none().then(|| evaluation(library, policy, &plan, rng, &mut intended));
    let file = DossierFile {
        candidate: FlowMap(candidate),
        certificate: plan.certificate.clone(),
        route: plan.route,
        priority_dif,
        professionalisation_contract,
        employment,
        documents,
        application: FlowMap(Application { submitted, decided }),
        evaluation,
    };
    let yaml = serde_saphyr::to_string(&file).expect("a generated dossier serialises");
    Generated {
        file_name: format!("dossier-{:05}.yaml", i + 1),
        yaml: format!("# Dossier synthétique n° {} (cqpt example generate)\n{yaml}", i + 1),
        intended,
    }
}

/// Draws the certificate, the dates, the evaluating body, the outcome to build and the route;
/// returns the plan with the application's submission and decision dates.
fn plan(certificates: &[&str], years: &[i32], rng: &mut Rng, i: usize) -> (Plan, String, String) {
    let certificate = certificates[i % certificates.len()].to_string();
    let year = *rng.pick(years);
    let month = 1 + rng.below(6) as u32;
    let submitted = date(year, month, 2 + rng.below(20) as u32);
    let decided = date(year, month, DECISION_DAY);
    let eval_month = month + 1 + rng.below(2) as u32;
    let assessed = date(year, eval_month, 5 + rng.below(10) as u32);
    let body = *rng.pick(BODIES);
    let roll = rng.below(100);
    let reason = (roll < 16).then(|| *rng.pick(REJECTIONS));
    let blocked_by = (16..24).contains(&roll).then(|| *rng.pick(BLOCKS));
    let target = match roll {
        24..=39 => Proposal::EvaluationComplementaire,
        40..=47 => Proposal::NonAttribution,
        _ => Proposal::Attribution,
    };
    let route = route(reason, rng);
    let plan = Plan {
        index: i,
        certificate,
        year,
        month,
        assessed,
        synthese: date(year, eval_month + 1, 3),
        decision_date: date(year, eval_month + 2, 10),
        body,
        reason,
        blocked_by,
        target,
        units: Vec::new(),
        route,
    };
    (plan, submitted, decided)
}

/// The route of access: drawn, then forced where the rejection to build needs one.
fn route(reason: Option<&str>, rng: &mut Rng) -> &'static str {
    let route = *rng.pick(&[
        "contrat-de-professionnalisation",
        "periode-de-professionnalisation",
        "plan-de-formation",
        "plan-de-formation",
        "dif",
        "cif",
        "fin-contrat-de-professionnalisation",
    ]);
    match reason {
        Some("route-not-admitted") => "vae",
        Some("contract-not-aimed-at-certificate" | "contract-ended-outside-window") => {
            "fin-contrat-de-professionnalisation"
        }
        Some("experience-outside-window" | "hours-under-minimum") => {
            if rng.chance(0.5) {
                "dif"
            } else {
                "cif"
            }
        }
        // Under a year on a free-access route would also miss the hours: keep one reason.
        Some("experience-under-one-year") if matches!(route, "dif" | "cif") => "plan-de-formation",
        Some(_) if route == "fin-contrat-de-professionnalisation" => "plan-de-formation",
        _ => route,
    }
}

/// The employment history that gives the plan's recevabilité.
fn employment(
    plan: &Plan,
    employer: &'static str,
    start_year: i32,
    rng: &mut Rng,
) -> Vec<FlowMap<Employment>> {
    let (year, month) = (plan.year, plan.month);
    let job = |employer, in_branch, contract, related, start, end, hours| {
        FlowMap(Employment { employer, in_branch, contract, related, start, end, hours })
    };
    match plan.reason {
        _ if plan.young() => vec![job(
            employer,
            true,
            "contrat-de-professionnalisation",
            true,
            plan.contract_start(),
            Some(plan.contract_end()),
            1100,
        )],
        Some("not-branch-employee") => {
            vec![job("Phone Discount SARL", false, "cdi", true, date(start_year, 3, 1), None, 4200)]
        }
        Some("experience-under-one-year") => {
            vec![job(employer, true, "cdd", true, date(year - 1, month + 3, 1), None, 1000)]
        }
        Some("experience-outside-window") => vec![
            job(employer, true, "cdi", true, date(year - 9, 1, 1), Some(date(year - 4, 6, 30)), 9000),
            job(employer, true, "cdi", true, date(year - 1, 9, 1), None, 1700),
        ],
        Some("hours-under-minimum") => vec![
            job(employer, true, "cdd", true, date(year - 2, 1, 1), Some(date(year - 1, 6, 30)), 1200),
            job(employer, true, "cdi", false, date(year - 1, 7, 1), None, 300),
        ],
        _ => {
            let start = date(start_year, 1 + rng.below(12) as u32, 1);
            vec![job(employer, true, "cdi", true, start, None, 3300 + rng.below(3000) as u64)]
        }
    }
}

/// The supporting documents, with the one the plan's rejection needs missing.
fn documents(plan: &Plan, start_year: i32) -> Vec<FlowMap<Document>> {
    let on = date(plan.year, plan.month, 1);
    let doc = |kind, reference, date| FlowMap(Document { kind, reference, date });
    let mut documents = Vec::new();
    if plan.reason != Some("no-proof-of-activity") {
        documents.push(doc("contrat-de-travail", None, date(start_year, 1, 2)));
        documents.push(doc("bulletin-de-paie", None, on.clone()));
    }
    if plan.reason != Some("no-sworn-statement") {
        documents.push(doc("attestation-sur-honneur", None, on.clone()));
    } else if plan.young() {
        documents.push(doc("autre", None, on.clone()));
    }
    if plan.reason == Some("no-proof-of-activity") {
        documents.push(doc("autre", Some("CV"), on));
    }
    documents
}

/// The items of the certificate's core activities: those evaluated from the dossier de preuves
/// and the quiz (general), and those the policy has observed (specific).
fn items_by_modality<'a>(
    library: &'a Library,
    policy: &Policy,
    certificate: &str,
) -> (Vec<&'a str>, Vec<&'a str>) {
    let r = library.referentiel(certificate).expect("generated for a known certificate");
    let policy = policy.for_certificate(certificate);
    let mut general: Vec<&str> = Vec::new();
    let mut specific: Vec<&str> = Vec::new();
    for (_, x) in r
        .core_activities()
        .filter_map(|a| a.knowledge.as_ref())
        .flat_map(super::referentiel::model::Knowledge::refs)
    {
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
    (general, specific)
}

/// The levels a plan needs: which items fall short, and to what level.
struct Gaps<'a> {
    short: Vec<&'a str>,
    level: u8,
}

impl Gaps<'_> {
    /// The level of a general item: 3, or the gap.
    fn general(&self, id: &str) -> u8 {
        if self.short.contains(&id) { self.level } else { 3 }
    }
}

/// Phases 2 to 4: evaluating body, dossier de preuves, quiz, observation, synthesis and, for
/// some, the commission's decision; records the outcome built in `intended`.
fn evaluation(
    library: &Library,
    policy: &Policy,
    plan: &Plan,
    rng: &mut Rng,
    intended: &mut Intended,
) -> EvaluationPart {
    let (year, blocked_by) = (plan.year, plan.blocked_by);
    let accredited_on = if blocked_by == Some("accreditation-expired") {
        date(year - 3, 1, 10)
    } else {
        date(year - 1, 1, 10)
    };
    let (body_id, body_name, evaluator) = plan.body;
    let evaluating_body = FlowMap(Body {
        id: body_id,
        name: body_name,
        accredited_on,
        trained_candidate: blocked_by == Some("evaluator-trained-candidate"),
        evaluator,
    });
    let evaluation_hours = 2 + rng.below(3) as u64;
    let (general, specific) = items_by_modality(library, policy, &plan.certificate);
    // Levels: 3 or 4, with the gaps the target outcome needs, on items that can block (not optional).
    let can_block = |id: &&str| !policy.activities.is_optional(&plan.certificate, id);
    let blocking_general: Vec<&str> = general.iter().copied().filter(can_block).collect();
    let blocking_specific: Vec<&str> = specific.iter().copied().filter(can_block).collect();
    // A certificate may have no general (or no specific) items: the gap then falls on the other.
    let (for_complement, for_failure) = match (blocking_general.is_empty(), blocking_specific.is_empty()) {
        (true, _) => (blocking_specific.clone(), blocking_specific.clone()),
        (_, true) => (blocking_general.clone(), blocking_general.clone()),
        _ => (blocking_general.clone(), blocking_specific.clone()),
    };
    let short: Vec<&str> = match plan.target {
        Proposal::Attribution => vec![],
        _ if for_complement.is_empty() => vec![],
        // Unit by unit: a gap in the last unit only, or one in every unit.
        Proposal::ValidationPartielle => vec![*rng.pick(&exclusive_to_last(&plan.units, &for_failure))],
        Proposal::NonAttribution if !plan.units.is_empty() => plan
            .units
            .iter()
            .map(|(_, items)| {
                let own: Vec<&str> =
                    for_failure.iter().copied().filter(|id| items.iter().any(|i| i == id)).collect();
                *rng.pick(&own)
            })
            .collect(),
        Proposal::EvaluationComplementaire => {
            (0..=rng.below(3)).map(|_| *rng.pick(&for_complement)).collect()
        }
        Proposal::NonAttribution => vec![*rng.pick(&for_failure)],
    };
    let gaps = Gaps {
        short,
        level: if matches!(plan.target, Proposal::NonAttribution | Proposal::ValidationPartielle) {
            1
        } else {
            2
        },
    };
    // The quiz assesses savoirs only (art. 6-2): the savoir-faire of the general items take their
    // level from the dossier de preuves.
    let savoir_faire: Vec<&str> = general
        .iter()
        .copied()
        .filter(|id| library.item(id).is_some_and(|i| i.kind == crate::referentiel::ItemKind::SavoirFaire))
        .collect();
    let preuves = preuves(&general, &savoir_faire, &gaps, &plan.assessed, rng);
    let quiz = Quiz {
        sitting: format!("Q-{year}-{:05}", plan.index + 1),
        date: plan.assessed.clone(),
        levels: general
            .iter()
            .filter(|id| !savoir_faire.contains(id))
            .map(|id| (id.to_string(), gaps.general(id)))
            .collect(),
    };
    let observation = observation(policy, plan, &specific, &gaps, rng);
    let decision = blocked_by.is_none().then(|| decision(plan, rng, intended)).flatten();
    // Signed on the day AUVICOM finds the dossier recevable.
    let convention = FlowMap(Convention {
        signed: date(plan.year, plan.month, DECISION_DAY),
        reference: format!("CONV-{}-{:05}", plan.year, plan.index + 1),
    });
    EvaluationPart {
        evaluating_body,
        convention,
        evaluation_hours,
        preuves,
        quiz,
        observation,
        synthese: FlowMap(Synthese { date: plan.synthese.clone() }),
        decision,
    }
}

/// Three pieces of the dossier de preuves, each assessing a share of the general items, and
/// between them every general savoir-faire (the quiz does not assess them).
fn preuves(
    general: &[&str],
    savoir_faire: &[&str],
    gaps: &Gaps,
    assessed: &str,
    rng: &mut Rng,
) -> Vec<Piece> {
    const PIECES: usize = 3;
    let share = |p: usize| general.iter().copied().skip(p).step_by(PIECES).take(6).collect::<Vec<_>>();
    let shared: Vec<&str> = (0..PIECES).flat_map(share).collect();
    let rest: Vec<&str> = savoir_faire.iter().copied().filter(|id| !shared.contains(id)).collect();
    ["description", "document", "temoignage"]
        .into_iter()
        .enumerate()
        .map(|(p, kind)| Piece {
            id: format!("P{}", p + 1),
            title: format!("Pièce {} du dossier de preuves", p + 1),
            kind,
            referee: (kind == "temoignage").then(|| {
                FlowMap(Referee {
                    name: format!("{} {}", rng.pick(GIVEN), rng.pick(FAMILY)),
                    role: "superviseur",
                })
            }),
            assessments: share(p)
                .into_iter()
                .chain(rest.iter().copied().skip(p).step_by(PIECES))
                .map(|id| {
                    FlowMap(Assessment {
                        item: id.to_string(),
                        level: gaps.general(id),
                        on: Some(assessed.to_string()),
                        justification: None,
                    })
                })
                .collect(),
        })
        .collect()
}

/// The observation in a work situation: enough contacts (or one too few, or too long, for the
/// plan's blocking finding), each specific item observed once and some twice.
fn observation(policy: &Policy, plan: &Plan, specific: &[&str], gaps: &Gaps, rng: &mut Rng) -> Observation {
    let own = policy.for_certificate(&plan.certificate);
    let minimum = own.observation.min_contacts.get(&plan.certificate).copied().unwrap_or(3) as usize;
    let contacts = match plan.blocked_by {
        Some("observation-too-few-contacts") => minimum - 1,
        _ => minimum + rng.below(3),
    };
    let end = if plan.blocked_by == Some("observation-too-long") { "11:05" } else { "10:45" };
    // Each item is observed in one contact, some in a second one, as an observer rates what
    // each contact shows; an item short of the level is short wherever it is observed.
    let mut per_contact: Vec<Vec<(&str, u8)>> = vec![Vec::new(); contacts.max(1)];
    for (k, id) in specific.iter().enumerate() {
        let level = if gaps.short.contains(id) {
            gaps.level
        } else if rng.chance(0.2) {
            4
        } else {
            3
        };
        per_contact[k % contacts.max(1)].push((id, level));
        if rng.chance(0.3) && contacts > 1 {
            let other = (k + 1 + rng.below(contacts - 1)) % contacts;
            let second = if gaps.short.contains(id) { level } else { 3 };
            per_contact[other].push((id, second));
        }
    }
    let contacts = per_contact
        .into_iter()
        .take(contacts)
        .enumerate()
        .map(|(n, list)| Contact {
            number: n + 1,
            assessments: list
                .into_iter()
                .map(|(id, level)| {
                    FlowMap(Assessment {
                        item: id.to_string(),
                        level,
                        on: None,
                        justification: (level >= 4).then_some("Maîtrise observée et expliquée au référent"),
                    })
                })
                .collect(),
        })
        .collect();
    Observation {
        date: plan.assessed.clone(),
        start: "09:00",
        end,
        contacts,
        interview: FlowMap(Interview { done: true, notes: "Entretien mené à l'issue de l'observation" }),
    }
}

/// The outcome of an unblocked dossier; for most, the commission's decision that follows the
/// proposal, with two members of each college.
fn decision(plan: &Plan, rng: &mut Rng, intended: &mut Intended) -> Option<Decision> {
    intended.proposal = Some(plan.target);
    if !rng.chance(0.6) {
        return None;
    }
    intended.decision = Some(plan.target);
    // Four distinct people, none of them the evaluator (art. 5).
    let mut taken: Vec<String> = vec![plan.body.2.to_string()];
    let members = ["salaries", "salaries", "employeurs", "employeurs"]
        .into_iter()
        .map(|college| {
            let name = loop {
                let name = format!("{} {}", rng.pick(GIVEN), rng.pick(FAMILY));
                if !taken.contains(&name) {
                    break name;
                }
            };
            taken.push(name.clone());
            FlowMap(Member { name, college })
        })
        .collect();
    // A validation partielle names the units it validates: all but the last.
    let units = if plan.target == Proposal::ValidationPartielle {
        plan.units.iter().take(plan.units.len().saturating_sub(1)).map(|(u, _)| u.clone()).collect()
    } else {
        Vec::new()
    };
    Some(Decision { date: plan.decision_date.clone(), outcome: plan.target, units, members })
}

/// For a certificate awarded unit by unit, the items of each unit; half the non-attributions
/// become validations partielles (all units acquired but the last) when the last unit has an
/// item of its own that can block.
fn per_unit(library: &Library, policy: &Policy, plan: &mut Plan, rng: &mut Rng) {
    let Some(r) = library.referentiel(&plan.certificate) else { return };
    let own = policy.for_certificate(&r.id);
    if own.pass_rule != crate::policy::PassRule::PerUnit || r.units().is_empty() {
        return;
    }
    plan.units = r.units().iter().map(|u| (u.id.clone(), r.unit_items(u))).collect();
    let blocking: Vec<&str> = plan
        .units
        .iter()
        .flat_map(|(_, items)| items.iter().map(String::as_str))
        .filter(|id| !own.activities.is_optional(&r.id, id))
        .collect();
    if plan.target == Proposal::NonAttribution
        && plan
            .units
            .iter()
            .take(plan.units.len() - 1)
            .all(|(u, _)| r.unit(u).is_some_and(|u| u.certifiable_alone))
        && !exclusive_to_last(&plan.units, &blocking).is_empty()
        && rng.chance(0.5)
    {
        plan.target = Proposal::ValidationPartielle;
    }
}

/// The candidates of `among` that only the last unit evaluates.
fn exclusive_to_last<'a>(units: &[(String, Vec<String>)], among: &[&'a str]) -> Vec<&'a str> {
    let Some(((_, last), others)) = units.split_last() else { return Vec::new() };
    among
        .iter()
        .copied()
        .filter(|id| {
            last.iter().any(|i| i == id) && !others.iter().any(|(_, items)| items.iter().any(|i| i == id))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::load_context;
    use crate::source::DataSource;

    #[test]
    fn the_same_seed_gives_the_same_files_and_another_seed_others() {
        let (library, policy) = load_context(&DataSource::Embedded).unwrap();
        let texts = |seed| {
            generate(&library, &policy, 12, seed, &[2026]).into_iter().map(|g| g.yaml).collect::<Vec<_>>()
        };
        assert_eq!(texts(5), texts(5));
        assert_ne!(texts(5), texts(6));
        assert!(texts(5)[0].starts_with(
            "# Dossier synthétique n° 1 (cqpt example generate)\ncandidate: {id: SYN-2026-00001"
        ));
    }

    #[test]
    fn generated_dossiers_give_no_quiz_level_on_a_savoir_faire() {
        // Art. 6-2: the quiz assesses savoirs; the savoir-faire take their level from the
        // dossier de preuves, so every one still has a level and no finding reports the quiz.
        let (library, policy) = load_context(&DataSource::Embedded).unwrap();
        let mut preuves_on_savoir_faire = 0;
        for g in generate(&library, &policy, 60, 9, &[2026]) {
            let file = crate::source::SourceFile { name: g.file_name.clone(), text: g.yaml.clone() };
            let dossier = crate::dossier::load_dossier(&file, &library).unwrap();
            let kind = |id: &str| library.item(id).map(|i| i.kind);
            let on_savoir_faire = |id: &str| kind(id) == Some(crate::referentiel::ItemKind::SavoirFaire);
            let quiz = dossier.quiz.iter().flat_map(|q| &q.levels);
            assert!(quiz.clone().all(|a| !on_savoir_faire(&a.item)), "{}", g.file_name);
            preuves_on_savoir_faire += dossier
                .preuves
                .iter()
                .flat_map(|p| &p.assessments)
                .filter(|a| on_savoir_faire(&a.item))
                .count();
            let e = crate::phases::evaluate(&dossier, &library, &policy, dossier.latest_date());
            assert!(
                e.findings.iter().all(|f| f.code != crate::phases::FindingCode::QuizOnSavoirFaire),
                "{}",
                g.file_name
            );
        }
        assert!(preuves_on_savoir_faire > 0, "the savoir-faire are evaluated from the dossier de preuves");
    }
}

/// A simulated question of the quiz (item response theory, two-parameter logistic model): a
/// candidate of ability θ answers right with probability 1 / (1 + e^(−a·(θ − b))).
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedQuestion {
    /// The bank's question id.
    pub question: String,
    /// Its difficulty b (on the ability scale: 0 is the average candidate).
    pub difficulty: f64,
    /// Its discrimination a (0: chance alone decides; 2 and more: sharp).
    pub discrimination: f64,
}

/// `n` candidate abilities drawn from the standard normal distribution (Box–Muller).
pub fn quiz_abilities(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let mut uniform = || ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
    (0..n).map(|_| (-2.0 * uniform().ln()).sqrt() * (std::f64::consts::TAU * uniform()).cos()).collect()
}

/// The results of candidates of known `abilities` who all sat `questions` (one result each, as
/// `cqpt quiz stats` reads them): right answers given as the bank's first choice shown as A,
/// wrong ones as B.
pub fn quiz_results(
    questions: &[SimulatedQuestion],
    abilities: &[f64],
    seed: u64,
) -> Vec<crate::quiz::stats::SittingResult> {
    let mut rng = Rng::new(seed);
    abilities
        .iter()
        .map(|theta| crate::quiz::stats::SittingResult {
            sitting: "simulation".to_string(),
            answers: questions
                .iter()
                .enumerate()
                .map(|(i, q)| {
                    let p = 1.0 / (1.0 + (-q.discrimination * (theta - q.difficulty)).exp());
                    let correct = rng.chance(p);
                    crate::quiz::stats::ResultAnswer {
                        number: i + 1,
                        question: q.question.clone(),
                        given: if correct { "A" } else { "B" }.to_string(),
                        correct,
                        late: false,
                        order: Some("ABCD".to_string()),
                    }
                })
                .collect(),
        })
        .collect()
}
