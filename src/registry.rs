//! The registry: an append-only, hash-chained log of every change and decision in the store —
//! who, when (the server's clock, recorded), what, and the hashes of the record before and
//! after. [`append`] and [`verify`] are pure; the store only keeps the rows.
//!
//! The chain holds hashes and references (`dossier:01-…`, `candidate:C-0001`), never personal
//! data, so erasing a candidate's data leaves every entry, and so the chain, intact.

use sha2::{Digest, Sha256};
use std::fmt;

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// The `previous hash` of the first entry.
pub const GENESIS: Hash = [0; 32];

/// What an entry records, before it is numbered and chained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Who made the change: a user's login, or `cli` for a command run on the server.
    pub actor: String,
    /// When, in milliseconds since the Unix epoch, by the server's clock.
    pub at_ms: i64,
    /// What was done, as a stable code (`dossier.import`, `candidate.erase`, …).
    pub action: String,
    /// What it was done to, as a reference (`dossier:ID`, `user:LOGIN`, `file:SHA256`).
    pub subject: String,
    /// SHA-256 of the record before the change; none when it is created.
    pub before: Option<Hash>,
    /// SHA-256 of the record after the change; none when it is deleted.
    pub after: Option<Hash>,
    /// A non-personal detail (a state, a count), when useful.
    pub detail: Option<String>,
}

/// One entry of the registry: a [`Change`], its number and its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its number: 1 for the first entry, then one more for each.
    pub seq: i64,
    /// The hash of the entry before (or [`GENESIS`]).
    pub previous: Hash,
    /// What it records.
    pub change: Change,
    /// Its hash, over `seq`, `previous` and the change ([`entry_hash`]).
    pub hash: Hash,
}

/// SHA-256 of bytes.
pub fn sha256(bytes: &[u8]) -> Hash {
    Sha256::digest(bytes).into()
}

/// A hash as lowercase hexadecimal.
pub fn hex(hash: &Hash) -> String {
    use std::fmt::Write as _;
    hash.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A hash from 64 hexadecimal digits.
pub fn from_hex(text: &str) -> Option<Hash> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut hash = [0; 32];
    for (i, byte) in hash.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(hash)
}

/// The hash of an entry: SHA-256 over a canonical encoding where every field is tagged and
/// length-prefixed, so that no two different entries encode the same bytes.
pub fn entry_hash(seq: i64, previous: &Hash, change: &Change) -> Hash {
    fn field(h: &mut Sha256, tag: u8, bytes: Option<&[u8]>) {
        h.update([tag]);
        match bytes {
            None => h.update([0]),
            Some(b) => {
                h.update([1]);
                h.update((b.len() as u64).to_be_bytes());
                h.update(b);
            }
        }
    }
    let mut h = Sha256::new();
    h.update(b"cqpt-registry-v1");
    field(&mut h, 1, Some(&seq.to_be_bytes()));
    field(&mut h, 2, Some(previous));
    field(&mut h, 3, Some(change.actor.as_bytes()));
    field(&mut h, 4, Some(&change.at_ms.to_be_bytes()));
    field(&mut h, 5, Some(change.action.as_bytes()));
    field(&mut h, 6, Some(change.subject.as_bytes()));
    field(&mut h, 7, change.before.as_ref().map(<[u8; 32]>::as_slice));
    field(&mut h, 8, change.after.as_ref().map(<[u8; 32]>::as_slice));
    field(&mut h, 9, change.detail.as_ref().map(String::as_bytes));
    h.finalize().into()
}

/// The entry that follows `last` (the first one when `last` is none).
pub fn append(last: Option<&Entry>, change: Change) -> Entry {
    let (seq, previous) = last.map_or((1, GENESIS), |e| (e.seq + 1, e.hash));
    let hash = entry_hash(seq, &previous, &change);
    Entry { seq, previous, change, hash }
}

/// How the chain is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakKind {
    /// The entry's content does not match its hash: it was edited.
    Edited,
    /// The entry with this number is missing: it was removed.
    Removed,
    /// The entry with this number is not in its place: entries were reordered.
    Reordered,
    /// The entry does not point at the entry before it, which was rewritten (hash and all).
    Rewritten,
}

/// The first place where the chain is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Break {
    /// The number of the first entry concerned.
    pub seq: i64,
    /// What is wrong there.
    pub kind: BreakKind,
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seq = self.seq;
        match self.kind {
            BreakKind::Edited => write!(f, "entry {seq} was edited: its content does not match its hash"),
            BreakKind::Removed => write!(f, "entry {seq} was removed: the chain jumps over it"),
            BreakKind::Reordered => write!(f, "entry {seq} is out of its place: entries were reordered"),
            BreakKind::Rewritten => {
                write!(f, "entry {seq} was rewritten: the entry after it does not point at it")
            }
        }
    }
}

/// Checks a chain read in the order it was stored: each entry's hash, its number and its link
/// to the entry before. Returns the first break.
pub fn verify(entries: &[Entry]) -> Result<(), Break> {
    let mut previous = GENESIS;
    for (i, entry) in entries.iter().enumerate() {
        let expected = i as i64 + 1;
        if entry_hash(entry.seq, &entry.previous, &entry.change) != entry.hash {
            return Err(Break { seq: entry.seq, kind: BreakKind::Edited });
        }
        if entry.seq != expected {
            let later = entries[i + 1..].iter().any(|e| e.seq == expected);
            let kind = if later || entry.seq < expected { BreakKind::Reordered } else { BreakKind::Removed };
            return Err(Break { seq: expected, kind });
        }
        if entry.previous != previous {
            return Err(Break { seq: expected - 1, kind: BreakKind::Rewritten });
        }
        previous = entry.hash;
    }
    Ok(())
}

/// A place in the chain recorded outside the store (printed by `cqpt registry verify`, kept
/// with a report or a backup): `SEQ:HASH`. A chain checked against it must still hold that
/// entry, which catches entries removed from the end, which the chain alone cannot show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    /// The entry's number.
    pub seq: i64,
    /// Its hash.
    pub hash: Hash,
}

impl fmt::Display for Anchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.seq, hex(&self.hash))
    }
}

impl std::str::FromStr for Anchor {
    type Err = String;

    fn from_str(s: &str) -> Result<Anchor, String> {
        let wrong =
            || format!("`{s}` is not an anchor: expected SEQ:HASH (a number, `:`, 64 hexadecimal digits)");
        let (seq, hash) = s.split_once(':').ok_or_else(wrong)?;
        let seq = seq.parse::<i64>().ok().filter(|n| *n >= 1).ok_or_else(wrong)?;
        let hash = from_hex(hash).ok_or_else(wrong)?;
        Ok(Anchor { seq, hash })
    }
}

/// The anchor of a chain's last entry; none for an empty chain.
pub fn head(entries: &[Entry]) -> Option<Anchor> {
    entries.last().map(|e| Anchor { seq: e.seq, hash: e.hash })
}

/// [`verify`], then checks that the chain still holds the anchored entry, unchanged.
pub fn verify_anchored(entries: &[Entry], anchor: &Anchor) -> Result<(), Break> {
    verify(entries)?;
    match usize::try_from(anchor.seq - 1).ok().and_then(|i| entries.get(i)) {
        None => Err(Break { seq: entries.len() as i64 + 1, kind: BreakKind::Removed }),
        Some(e) if e.hash != anchor.hash => Err(Break { seq: anchor.seq, kind: BreakKind::Rewritten }),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(n: i64) -> Change {
        Change {
            actor: "cli".into(),
            at_ms: 1_000 * n,
            action: "dossier.import".into(),
            subject: format!("dossier:{n}"),
            before: None,
            after: Some(sha256(&n.to_be_bytes())),
            detail: None,
        }
    }

    fn chain(n: i64) -> Vec<Entry> {
        let mut entries: Vec<Entry> = Vec::new();
        for i in 1..=n {
            let e = append(entries.last(), change(i));
            entries.push(e);
        }
        entries
    }

    #[test]
    fn a_chain_as_appended_verifies() {
        assert_eq!(verify(&chain(5)), Ok(()));
        assert_eq!(verify(&[]), Ok(()));
    }

    #[test]
    fn an_edited_entry_is_found() {
        let mut entries = chain(4);
        entries[2].change.actor = "someone".into();
        assert_eq!(verify(&entries), Err(Break { seq: 3, kind: BreakKind::Edited }));
    }

    #[test]
    fn a_removed_entry_is_found() {
        let mut entries = chain(4);
        entries.remove(1);
        assert_eq!(verify(&entries), Err(Break { seq: 2, kind: BreakKind::Removed }));
    }

    #[test]
    fn reordered_entries_are_found() {
        let mut entries = chain(4);
        entries.swap(1, 2);
        assert_eq!(verify(&entries), Err(Break { seq: 2, kind: BreakKind::Reordered }));
    }

    #[test]
    fn a_rewritten_entry_with_a_fresh_hash_is_found_by_the_next() {
        let mut entries = chain(4);
        entries[1].change.detail = Some("x".into());
        entries[1].hash = entry_hash(2, &entries[1].previous, &entries[1].change);
        assert_eq!(verify(&entries), Err(Break { seq: 2, kind: BreakKind::Rewritten }));
    }

    #[test]
    fn absent_and_empty_fields_hash_differently() {
        let mut a = change(1);
        let mut b = change(1);
        a.detail = None;
        b.detail = Some(String::new());
        assert_ne!(entry_hash(1, &GENESIS, &a), entry_hash(1, &GENESIS, &b));
    }

    #[test]
    fn an_anchor_catches_entries_removed_from_the_end() {
        let mut entries = chain(5);
        let anchor = head(&entries).unwrap();
        assert_eq!(verify_anchored(&entries, &anchor), Ok(()));
        assert_eq!(anchor.to_string().parse::<Anchor>(), Ok(anchor));
        entries.truncate(3);
        assert_eq!(verify(&entries), Ok(()), "the chain alone cannot tell");
        assert_eq!(verify_anchored(&entries, &anchor), Err(Break { seq: 4, kind: BreakKind::Removed }));
        let mut other = chain(5);
        other[4].change.detail = Some("x".into());
        other[4].hash = entry_hash(5, &other[4].previous, &other[4].change);
        assert_eq!(verify_anchored(&other, &anchor), Err(Break { seq: 5, kind: BreakKind::Rewritten }));
        assert!("5:zz".parse::<Anchor>().is_err());
        assert!("0:".parse::<Anchor>().is_err());
    }

    #[test]
    fn hex_goes_both_ways() {
        let h = sha256(b"abc");
        assert_eq!(from_hex(&hex(&h)), Some(h));
        assert_eq!(from_hex("zz"), None);
    }
}
