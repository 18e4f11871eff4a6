//! Phase 3 — synthèse (Annexe 2 §III): one level per item from all its evidence, with where
//! each came from; per activity acquis / à compléter / non acquis; the proposal; the
//! overrides with their reasons; the items to evaluate again.

use super::carry_over::CarryOver;
use super::units::{self, KeptUnit, UnitResult};
use crate::closed_set::closed_set;
use crate::date::Date;
use crate::dossier::{ActivityStatus, Assessment, Dossier, OverrideTarget, Proposal};
use crate::policy::{Modality, PassRule, Policy};
use crate::referentiel::{Activity, Category, Item, ItemKind, Knowledge, Library, Referentiel};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

/// A level from one modality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceLevel {
    /// The modality.
    pub modality: Modality,
    /// The level it establishes (after the quiz cap and the contacts' aggregate).
    pub level: u8,
    /// Whether the policy lets it count for this item's category.
    pub counted: bool,
    /// The levels it was made of, with who gave them and when.
    pub detail: String,
}

closed_set! {
    /// The state of an item in the synthesis.
    pub enum ItemStatus {
        /// At or above the required level.
        Atteint,
        /// Below it.
        Insuffisant,
        /// No level.
        NonEvalue,
        /// An optional savoir-faire rated 0 ("n'a pas à faire"): left out.
        NonApplicable,
        /// An optional item below the required level or not evaluated: it never blocks.
        Facultatif,
        /// Below the required level or not evaluated, in a unit acquired earlier only: it
        /// needs no new level.
        UniteAcquise,
    }
}

/// One item of the synthesis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemResult {
    /// Item id.
    pub id: String,
    /// Its wording.
    pub label: String,
    /// Its kind.
    pub kind: ItemKind,
    /// Its category.
    pub category: Category,
    /// Levels by modality.
    pub sources: Vec<SourceLevel>,
    /// Carried over from the other CQPT (art. 3), at the level validated there.
    pub carried_over: bool,
    /// The level computed from the sources and the carry-over.
    pub computed: Option<u8>,
    /// The level set by an override, with its reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overridden: Option<(u8, String)>,
    /// The final level.
    pub level: Option<u8>,
    /// Its state.
    pub status: ItemStatus,
}

/// One core activity of the synthesis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityResult {
    /// Activity id.
    pub id: String,
    /// Its wording.
    pub title: String,
    /// Computed status.
    pub computed: ActivityStatus,
    /// Final status (after an override).
    pub status: ActivityStatus,
    /// The override's reason, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub override_reason: Option<String>,
    /// Acquis with a unit acquired earlier: the date of that decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_acquired_on: Option<Date>,
    /// Its items.
    pub items: Vec<String>,
    /// Items at or above the required level.
    pub reached: usize,
}

/// The synthesis for the CPNE.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Synthese {
    /// Certificate id.
    pub certificate: String,
    /// Date.
    pub date: Date,
    /// Required level.
    pub required: u8,
    /// Items, in the order of the référentiel.
    pub items: Vec<ItemResult>,
    /// Core activities.
    pub activities: Vec<ActivityResult>,
    /// The units (blocs de compétences), when the certificate declares some.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<UnitResult>,
    /// The computed proposal.
    pub computed_proposal: Proposal,
    /// The final proposal.
    pub proposal: Proposal,
    /// The proposal override's reason, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal_override_reason: Option<String>,
    /// Items to evaluate again (in activities not acquis).
    pub to_evaluate_again: Vec<String>,
}

impl Synthese {
    /// The item result with this id.
    pub fn item(&self, id: &str) -> Option<&ItemResult> {
        self.items.iter().find(|i| i.id == id)
    }
}

/// The items of a certificate's core activities, in order, once each.
pub fn core_items(r: &Referentiel) -> Vec<&str> {
    let mut seen = FxHashSet::default();
    core_refs(r).filter(|id| seen.insert(*id)).collect()
}

/// The items of a certificate's core activities found in the library: in order, once each,
/// and by id. Gathered once per dossier for the checks and the synthesis.
pub(super) struct CoreItems<'l> {
    /// The ids, in the order of [`core_items`] (those the library lacks left out).
    ids: Vec<&'l str>,
    /// The items by id.
    by_id: FxHashMap<&'l str, &'l Item>,
}

impl<'l> CoreItems<'l> {
    /// The core items of `r`.
    pub(super) fn of(library: &'l Library, r: &'l Referentiel) -> Self {
        // Sized for every reference (repeats included): no growing while gathering.
        let refs = core_refs(r).count();
        let mut ids = Vec::with_capacity(refs);
        let mut by_id = FxHashMap::with_capacity_and_hasher(refs, rustc_hash::FxBuildHasher);
        for id in core_refs(r) {
            if let std::collections::hash_map::Entry::Vacant(e) = by_id.entry(id)
                && let Some(item) = library.item(id)
            {
                e.insert(item);
                ids.push(id);
            }
        }
        CoreItems { ids, by_id }
    }

    /// The core item with this id.
    pub(super) fn get(&self, id: &str) -> Option<&'l Item> {
        self.by_id.get(id).copied()
    }
}

/// Every reference to an item in the core activities, in order, repeats included.
fn core_refs(r: &Referentiel) -> impl Iterator<Item = &str> {
    r.core_activities()
        .filter_map(|a| a.knowledge.as_ref())
        .flat_map(Knowledge::refs)
        .map(|(_, x)| x.id.as_str())
}

/// The modalities in their order (that of [`Modality`]'s declaration), for arrays indexed by
/// modality.
const MODALITIES: [Modality; 3] = [Modality::Preuves, Modality::Quiz, Modality::Observation];

/// A modality's index in [`MODALITIES`].
fn modality_index(m: Modality) -> usize {
    match m {
        Modality::Preuves => 0,
        Modality::Quiz => 1,
        Modality::Observation => 2,
    }
}

/// What the dossier records of one item: its assessments by modality (in dossier order), and
/// its level at each observed contact (the best of the contact's levels).
#[derive(Default)]
struct ItemRecord<'d> {
    by_modality: [Vec<&'d Assessment>; 3],
    contact_levels: Vec<u8>,
}

/// Computes the synthesis of `dossier` on `date`.
pub fn synthese(
    dossier: &Dossier,
    library: &Library,
    policy: &Policy,
    carry_over: Option<&CarryOver>,
    date: Date,
) -> Option<Synthese> {
    let r = library.referentiel(&dossier.certificate)?;
    synthese_of(dossier, r, &CoreItems::of(library, r), policy, carry_over, date)
}

/// [`synthese`] with the certificate's référentiel and core items already found.
pub(super) fn synthese_of(
    dossier: &Dossier,
    r: &Referentiel,
    core: &CoreItems<'_>,
    policy: &Policy,
    carry_over: Option<&CarryOver>,
    date: Date,
) -> Option<Synthese> {
    let recorded = Recorded::of(dossier);
    let (kept, _) = units::kept_units(dossier, r, policy, date);
    let kept_items = units::kept_items(r, &kept);
    let kept_activities = units::kept_activities(r, &kept);
    let mut dates = DateText::default();
    let mut items: Vec<ItemResult> = Vec::with_capacity(core.ids.len());
    for id in &core.ids {
        if let Some(item) = core.get(id) {
            items.push(item_result(id, item, r, &recorded, policy, carry_over, &mut dates));
        }
    }
    for i in items.iter_mut().filter(|i| kept_items.contains(&i.id)) {
        if matches!(i.status, ItemStatus::Insuffisant | ItemStatus::NonEvalue | ItemStatus::Facultatif) {
            i.status = ItemStatus::UniteAcquise;
        }
    }
    // The items by id, for the activities (an item may be in several).
    let index: FxHashMap<&str, usize> = items.iter().enumerate().map(|(k, i)| (i.id.as_str(), k)).collect();
    let index = &index;
    let kept_of = |a: &Activity| {
        kept_activities
            .contains(&a.id)
            .then(|| r.unit_of(&a.id).and_then(|u| kept.iter().find(|k| k.unit == u.id)))
            .flatten()
    };
    let activities: Vec<ActivityResult> =
        r.core_activities().map(|a| activity_result(a, &items, index, dossier, policy, kept_of(a))).collect();
    let units = units::unit_results(r, &activities, &items, &kept, policy);
    let computed_proposal = if policy.pass_rule == PassRule::PerUnit && !units.is_empty() {
        units::propose_per_unit(&units)
    } else {
        propose(activities.iter().map(|a| a.status))
    };
    let proposal_over = dossier.overrides.iter().rev().find_map(|o| match &o.target {
        OverrideTarget::Proposal { proposal } => Some((*proposal, o.reason.clone())),
        _ => None,
    });
    let to_evaluate_again = to_evaluate_again(&activities, &items, index);
    Some(Synthese {
        certificate: r.id.clone(),
        date,
        required: policy.levels.required,
        computed_proposal,
        proposal: proposal_over.as_ref().map_or(computed_proposal, |(p, _)| *p),
        proposal_override_reason: proposal_over.map(|(_, r)| r),
        items,
        activities,
        units,
        to_evaluate_again,
    })
}

/// What the dossier records for the synthesis, gathered by item. Found by hash, not kept
/// sorted: nothing iterates over the items in the order of their ids.
struct Recorded<'d> {
    /// The assessments and contact levels of each item.
    by_item: FxHashMap<&'d str, ItemRecord<'d>>,
    /// The evaluator's overrides of items' levels, with their reasons, in dossier order (the
    /// last one of an item counts).
    item_overrides: Vec<(&'d str, (u8, &'d str))>,
}

impl<'d> Recorded<'d> {
    /// Gathers the levels and the item overrides of `dossier`.
    fn of(dossier: &'d Dossier) -> Self {
        let mut by_item: FxHashMap<&str, ItemRecord<'d>> = FxHashMap::default();
        for (modality, a) in dossier.assessments() {
            by_item.entry(a.item.as_str()).or_default().by_modality[modality_index(modality)].push(a);
        }
        let mut best: Vec<(&str, u8)> = Vec::new();
        for c in dossier.observed_contacts() {
            // A contact's assessments are few: a list searched in order does.
            best.clear();
            for a in &c.assessments {
                match best.iter_mut().find(|(item, _)| *item == a.item) {
                    Some((_, level)) => *level = (*level).max(a.level.value()),
                    None => best.push((a.item.as_str(), a.level.value())),
                }
            }
            for (item, level) in &best {
                by_item.entry(item).or_default().contact_levels.push(*level);
            }
        }
        let item_overrides = dossier
            .overrides
            .iter()
            .filter_map(|o| match &o.target {
                OverrideTarget::Item { item, level } => {
                    Some((item.as_str(), (level.value(), o.reason.as_str())))
                }
                _ => None,
            })
            .collect();
        Recorded { by_item, item_overrides }
    }

    /// The override of item `id` that counts (the last), if any.
    fn item_override(&self, id: &str) -> Option<(u8, &'d str)> {
        self.item_overrides.iter().rev().find(|(item, _)| *item == id).map(|(_, o)| *o)
    }
}

/// The result of one core item: the level of each modality, the level that counts (combined,
/// carried over, or overridden) and the item's status.
fn item_result(
    id: &str,
    item: &Item,
    r: &Referentiel,
    recorded: &Recorded<'_>,
    policy: &Policy,
    carry_over: Option<&CarryOver>,
    dates: &mut DateText,
) -> ItemResult {
    let sources = source_levels(id, item, recorded, policy, dates);
    // At most one source a modality: the counted levels fit in an array.
    let mut counted = [0u8; MODALITIES.len()];
    let mut n = 0;
    for s in sources.iter().filter(|s| s.counted) {
        counted[n] = s.level;
        n += 1;
    }
    let mut computed = policy.modalities.combine.apply(&counted[..n]);
    let carried = carry_over.and_then(|c| c.level_of(id));
    let carried_over = carried.is_some();
    if let Some(level) = carried {
        computed = Some(computed.map_or(level, |l| l.max(level)));
    }
    let overridden = recorded.item_override(id).map(|(l, reason)| (l, reason.to_string()));
    let level = overridden.as_ref().map(|(l, _)| *l).or(computed);
    let optional = policy.activities.is_optional(&r.id, id);
    let status = match level {
        Some(0) if optional && item.kind == ItemKind::SavoirFaire => ItemStatus::NonApplicable,
        Some(l) if l >= policy.levels.required => ItemStatus::Atteint,
        _ if optional => ItemStatus::Facultatif,
        Some(_) => ItemStatus::Insuffisant,
        None => ItemStatus::NonEvalue,
    };
    ItemResult {
        id: id.to_string(),
        label: item.label.clone(),
        kind: item.kind,
        category: item.category,
        sources,
        carried_over,
        computed,
        overridden,
        level,
        status,
    }
}

/// The level each modality gives an item: the best of the dossier de preuves, the best quiz
/// level under the cap, the policy's aggregate of the observed contacts; each marked counted
/// when the policy assigns the modality to the item's category.
fn source_levels(
    id: &str,
    item: &Item,
    recorded: &Recorded<'_>,
    policy: &Policy,
    dates: &mut DateText,
) -> Vec<SourceLevel> {
    let assigned = policy.modalities.for_category(item.category);
    let Some(record) = recorded.by_item.get(id) else { return Vec::new() };
    let mut sources = Vec::with_capacity(MODALITIES.len());
    for (modality, levels) in MODALITIES.iter().zip(&record.by_modality).filter(|(_, l)| !l.is_empty()) {
        let best = levels.iter().map(|a| a.level.value()).max();
        let level = match modality {
            Modality::Preuves => best,
            Modality::Quiz => best.map(|l| l.min(policy.levels.quiz_max)),
            Modality::Observation => policy.modalities.observation_aggregate.apply(&record.contact_levels),
        };
        if let Some(level) = level {
            // Who gave each level and when, written once into the detail (no text a level).
            // `{level} par {by} le {date}`, joined by ` ; `.
            let mut detail = String::new();
            for (k, a) in levels.iter().enumerate() {
                if k > 0 {
                    detail.push_str(" ; ");
                }
                // A level is one digit (0–5).
                detail.push(char::from(b'0' + a.level.value()));
                detail.push_str(" par ");
                detail.push_str(&a.by);
                detail.push_str(" le ");
                detail.push_str(dates.text(a.on));
            }
            sources.push(SourceLevel {
                modality: *modality,
                level,
                counted: assigned.contains(modality),
                detail,
            });
        }
    }
    sources
}

/// The text of the last date written: the levels of a dossier share a few dates, each written
/// once rather than at every level.
#[derive(Default)]
struct DateText {
    last: Option<(Date, String)>,
}

impl DateText {
    /// `date` as [`Date`]'s `Display` writes it.
    fn text(&mut self, date: Date) -> &str {
        if self.last.as_ref().is_none_or(|(d, _)| *d != date) {
            self.last = Some((date, date.to_string()));
        }
        self.last.as_ref().map_or("", |(_, text)| text.as_str())
    }
}

/// Whether an item still lacks its required level (below it, or not evaluated).
fn is_short(item: &ItemResult) -> bool {
    matches!(item.status, ItemStatus::Insuffisant | ItemStatus::NonEvalue)
}

/// The result of one core activity: acquis when every item reaches the required level, à
/// compléter when every gap is within the policy's reach of a complementary evaluation, non
/// acquis otherwise; an evaluator's override has the last word.
fn activity_result(
    a: &Activity,
    items: &[ItemResult],
    index: &FxHashMap<&str, usize>,
    dossier: &Dossier,
    policy: &Policy,
    kept: Option<&KeptUnit>,
) -> ActivityResult {
    let ids: Vec<String> = a.knowledge.iter().flat_map(Knowledge::refs).map(|(_, x)| x.id.clone()).collect();
    let results: Vec<&ItemResult> =
        ids.iter().filter_map(|id| index.get(id.as_str()).map(|k| &items[*k])).collect();
    let computed = if kept.is_some() { ActivityStatus::Acquis } else { items_status(&results, policy) };
    let over = dossier.overrides.iter().rev().find_map(|o| match &o.target {
        OverrideTarget::Activity { activity, status } if *activity == a.id => {
            Some((*status, o.reason.clone()))
        }
        _ => None,
    });
    ActivityResult {
        id: a.id.clone(),
        title: a.title.clone(),
        computed,
        status: over.as_ref().map_or(computed, |(s, _)| *s),
        override_reason: over.map(|(_, r)| r),
        unit_acquired_on: kept.map(|k| k.on),
        reached: results.iter().filter(|i| i.status == ItemStatus::Atteint).count(),
        items: ids,
    }
}

/// The status some items make: acquis when none is short of the required level, à compléter
/// when every gap is within the policy's reach of a complementary evaluation, non acquis
/// otherwise.
pub(super) fn items_status(results: &[&ItemResult], policy: &Policy) -> ActivityStatus {
    let required = policy.levels.required;
    let gap = policy.activities.complement_max_gap;
    let short: Vec<&&ItemResult> = results.iter().filter(|i| is_short(i)).collect();
    if short.is_empty() {
        ActivityStatus::Acquis
    } else if short.iter().all(|i| i.level.is_none_or(|l| l + gap >= required)) {
        ActivityStatus::ACompleter
    } else {
        ActivityStatus::NonAcquis
    }
}

/// The proposal the activities' statuses make: attribution when all are acquis, a
/// complementary evaluation when none is non acquis, non-attribution otherwise.
fn propose(statuses: impl Iterator<Item = ActivityStatus>) -> Proposal {
    let all: Vec<ActivityStatus> = statuses.collect();
    if all.iter().all(|s| *s == ActivityStatus::Acquis) {
        Proposal::Attribution
    } else if all.iter().all(|s| *s != ActivityStatus::NonAcquis) {
        Proposal::EvaluationComplementaire
    } else {
        Proposal::NonAttribution
    }
}

/// The items short of their level in the activities not acquis, in order, once each.
fn to_evaluate_again(
    activities: &[ActivityResult],
    items: &[ItemResult],
    index: &FxHashMap<&str, usize>,
) -> Vec<String> {
    let mut again = Vec::new();
    for a in activities.iter().filter(|a| a.status != ActivityStatus::Acquis) {
        for id in &a.items {
            if index.get(id.as_str()).is_some_and(|k| is_short(&items[*k])) && !again.contains(id) {
                again.push(id.clone());
            }
        }
    }
    again
}
