//! Exchange standards: what other systems read of cqpt's référentiels and quiz bank.
//! - [`case`]: a référentiel as a CASE 1.1 package (1EdTech), identifiers UUID v5.
//! - [`qti`]: the quiz bank as a QTI 3.0 package, and back.
//! - [`sheet`]: the evaluator's grids as a spreadsheet (`.xlsx`) to fill offline, and back (with CSV).

pub mod case;
pub mod qti;
pub mod sheet;
