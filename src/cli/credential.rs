//! `cqpt credential keygen | issue | revoke | verify`: Open Badges 3.0 credentials signed with
//! the certifier's Ed25519 key (`eddsa-rdfc-2022`).

use super::{EXIT_INVALID, EXIT_OK, Format, Outcome, print_json};
use clap::Subcommand;
use cqpt::Error;
use cqpt::context;
use cqpt::credential::keys::{self, Folder, json_bytes, read_json};
use cqpt::credential::{badge, proof, status, verify};
use cqpt::date::Date;
use cqpt::source::DataSource;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The certifier's folder when `--dir` is not given.
const DEFAULT_DIR: &str = "certifier";

#[derive(Debug, Subcommand)]
pub enum CredentialCommand {
    /// Create the certifier's Ed25519 key pair: DIR/issuer.json (public profile and key, to
    /// publish), DIR/secret-key.json (mode 0600, never printed) and DIR/state.json. An existing
    /// key is never replaced.
    Keygen {
        /// The certifier's folder.
        #[arg(long, default_value = DEFAULT_DIR)]
        dir: PathBuf,
        /// The certifier's id: an address it controls (https://…).
        #[arg(long, value_name = "URL")]
        issuer: String,
        /// Its name; by default the certifier of referentiels/documents.toml.
        #[arg(long)]
        name: Option<String>,
        /// Where it publishes its status list; by default `{issuer}/status/1`.
        #[arg(long, value_name = "URL")]
        status_list: Option<String>,
    },
    /// Write the Open Badges 3.0 credential of a dossier the commission awarded (attribution, or
    /// the units of a validation partielle), signed with the certifier's key, and update the
    /// certifier's signed status list (DIR/status-list.json). Exit status 4 when the dossier's
    /// decision awards nothing.
    Issue {
        /// The dossier (YAML).
        dossier: PathBuf,
        /// The certifier's folder.
        #[arg(long, default_value = DEFAULT_DIR)]
        dir: PathBuf,
        /// Write the credential to this file (atomically) instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Revoke a credential: set its entry of the status list and sign the list again
    /// (DIR/status-list.json, to publish at its address).
    Revoke {
        /// The credential (JSON).
        credential: PathBuf,
        /// The certifier's folder.
        #[arg(long, default_value = DEFAULT_DIR)]
        dir: PathBuf,
        /// The date of the new list (YYYY-MM-DD).
        #[arg(long)]
        date: Date,
    },
    /// Print the parchemin of a credential: a one-page certificate PDF (templates/parchemin.hbs)
    /// with a QR code of its verification address. The credential's signature is checked
    /// against the certifier's key first.
    Parchemin {
        /// The credential (JSON), as `cqpt credential issue` wrote it.
        credential: PathBuf,
        /// The certifier's folder.
        #[arg(long, default_value = DEFAULT_DIR)]
        dir: PathBuf,
        /// The address the QR code carries; by default the credential's verification address,
        /// `{origin of the issuer's id}/verification/{token}`, the token given when it was issued
        /// (DIR/state.json): the workspace's page `GET /verification/{token}`.
        #[arg(long, value_name = "URL")]
        verify_url: Option<String>,
        /// The PDF file to write.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Check a credential: proof, issuer key, signature, the fields of its canonical graph,
    /// the `AchievementCredential` and VC 2.0 schemas, and revocation. Exit status 0 when valid,
    /// 3 otherwise, with the reason of each failed check.
    Verify {
        /// The credential (JSON).
        file: PathBuf,
        /// The certifier's public profile (its issuer.json).
        #[arg(long, value_name = "FILE")]
        issuer: PathBuf,
        /// The certifier's published status list (its status-list.json).
        #[arg(long, value_name = "FILE")]
        status_list: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

/// Runs a `cqpt credential` subcommand.
pub fn run(source: &DataSource, cmd: &CredentialCommand) -> Outcome {
    match cmd {
        CredentialCommand::Keygen { dir, issuer, name, status_list } => {
            keygen(source, dir, issuer, name.as_deref(), status_list.as_deref())
        }
        CredentialCommand::Issue { dossier, dir, output } => issue(source, dossier, dir, output.as_deref()),
        CredentialCommand::Revoke { credential, dir, date } => revoke(credential, dir, *date),
        CredentialCommand::Parchemin { credential, dir, verify_url, output } => {
            parchemin(source, credential, dir, verify_url.as_deref(), output)
        }
        CredentialCommand::Verify { file, issuer, status_list, format } => {
            verify_file(file, issuer, status_list.as_deref(), *format)
        }
    }
}

fn keygen(
    source: &DataSource,
    dir: &Path,
    issuer: &str,
    name: Option<&str>,
    status_list: Option<&str>,
) -> Outcome {
    if !issuer.starts_with("https://") && !issuer.starts_with("http://") {
        return Err(Error::Usage(format!("--issuer must be an address (https://…), found `{issuer}`")));
    }
    let name = match name {
        Some(n) => n.to_string(),
        None => context::load_texts(source)?.cpne.nom,
    };
    let list =
        status_list.map_or_else(|| format!("{}/status/1", issuer.trim_end_matches('/')), str::to_string);
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| Error::Data(format!("no randomness from the operating system ({e})")))?;
    let profile = Folder::new(dir).create(seed, issuer, &name, &list)?;
    eprintln!(
        "{}: key pair of {} ({}); public key {}; the secret key (secret-key.json, mode 0600) stays in this folder",
        dir.display(),
        profile.name,
        profile.id,
        profile.public_key_multibase
    );
    Ok(EXIT_OK)
}

fn write_status_list(folder: &Folder, revoked: &[u32], date: &str) -> Outcome {
    let profile = folder.profile()?;
    let key = folder.secret_key()?;
    let list = status::list_credential(&profile, revoked, date)?;
    let signed = proof::sign(&list, &key, &profile.verification_method(), date)?;
    cqpt::output::write_atomic(&folder.status_list_path(), &json_bytes(&signed))?;
    Ok(EXIT_OK)
}

fn issue(source: &DataSource, dossier: &Path, dir: &Path, output: Option<&Path>) -> Outcome {
    let (library, policy) = context::load_context(source)?;
    let labels = context::load_labels(source)?;
    let texts = context::load_texts(source)?;
    let (d, _) = cqpt::evaluate::load_and_evaluate(dossier, &library, &policy, None)?;
    let folder = Folder::new(dir);
    let profile = folder.profile()?;
    let key = folder.secret_key()?;
    let mut state = folder.state()?;
    let id = d.decision.as_ref().map(|decision| badge::credential_id(&d, &decision.date.to_string()));
    let known = id.as_ref().and_then(|i| state.issued.get(i)).copied();
    let index = known.unwrap_or(state.next_status_index);
    let credential = match badge::credential(&library, &texts, &labels, &d, &profile, index) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(super::EXIT_BLOCKED);
        }
    };
    let date = credential["validFrom"].as_str().unwrap_or_default().to_string();
    let signed = proof::sign(&credential, &key, &profile.verification_method(), &date)?;
    let bytes = json_bytes(&signed);
    match output {
        Some(path) => cqpt::output::write_atomic(path, &bytes)?,
        None => print!("{}", String::from_utf8_lossy(&bytes)),
    }
    // The copy the verification page serves, under a token a stranger cannot guess.
    let credential_id = signed["id"].as_str().unwrap_or_default().to_string();
    let token = keys::verification_token(&key, &credential_id);
    if let Some(path) = folder.published(&token) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::Write { path: parent.to_path_buf(), source: e })?;
        }
        cqpt::output::write_atomic(&path, &bytes)?;
    }
    let new_token = state.verification.get(&credential_id) != Some(&token);
    state.verification.insert(credential_id, token);
    if known.is_none() {
        if let Some(id) = id {
            state.issued.insert(id, index);
        }
        state.next_status_index += 1;
    }
    if known.is_none() || new_token {
        folder.save_state(&state)?;
    }
    write_status_list(&folder, &state.revoked, &date)?;
    eprintln!(
        "{}: {} for {} (status list entry {}), signed by {}",
        output.map_or_else(|| "<stdout>".to_string(), |p| p.display().to_string()),
        signed["name"].as_str().unwrap_or_default(),
        d.candidate.id,
        index,
        profile.id
    );
    Ok(EXIT_OK)
}

fn revoke(credential: &Path, dir: &Path, date: Date) -> Outcome {
    let folder = Folder::new(dir);
    let profile = folder.profile()?;
    let c: Value = read_json(credential)?;
    if c.pointer("/issuer/id").and_then(Value::as_str) != Some(profile.id.as_str()) {
        return Err(Error::Usage(format!("{}: not a credential of {}", credential.display(), profile.id)));
    }
    let index: u32 = c
        .pointer("/credentialStatus/statusListIndex")
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| {
            Error::Data(format!("{}: no credentialStatus.statusListIndex", credential.display()))
        })?;
    let mut state = folder.state()?;
    if !state.revoked.contains(&index) {
        state.revoked.push(index);
        state.revoked.sort_unstable();
    }
    write_status_list(&folder, &state.revoked, &format!("{date}T00:00:00Z"))?;
    folder.save_state(&state)?;
    eprintln!(
        "{}: entry {index} set; publish it at {}",
        folder.status_list_path().display(),
        profile.status_list
    );
    Ok(EXIT_OK)
}

fn parchemin(
    source: &DataSource,
    credential: &Path,
    dir: &Path,
    verify_url: Option<&str>,
    output: &Path,
) -> Outcome {
    let profile = Folder::new(dir).profile()?;
    let c: Value = read_json(credential)?;
    let key = proof::public_from_multikey(&profile.public_key_multibase)?;
    proof::verify_signature(&c, &key).map_err(|e| Error::Data(format!("{}: {e}", credential.display())))?;
    let url = if let Some(url) = verify_url {
        url.to_string()
    } else {
        let id = c["id"].as_str().unwrap_or_default();
        let token = Folder::new(dir).state()?.verification.get(id).cloned().ok_or_else(|| {
            Error::Usage(format!(
                "{}: no verification address for {id} in {}/state.json: issue the credential with this folder (cqpt credential issue), or give --verify-url",
                credential.display(),
                dir.display()
            ))
        })?;
        keys::verification_url(&profile, &token)
    };
    let templates = cqpt::render::Templates::load(source)?;
    let pdf = cqpt::credential::parchemin::pdf(&templates, &c, &url)?;
    cqpt::output::write_atomic(output, &pdf)?;
    eprintln!("{}: parchemin of {}, QR code {url}", output.display(), c["id"].as_str().unwrap_or_default());
    Ok(EXIT_OK)
}

fn verify_file(file: &Path, issuer: &Path, status_list: Option<&Path>, format: Format) -> Outcome {
    let credential: Value = read_json(file)?;
    let profile = read_json(issuer)?;
    let list: Option<Value> = status_list.map(read_json).transpose()?;
    let report = verify::verify(&credential, &profile, list.as_ref());
    if format == Format::Json {
        print_json(&report)?;
    } else {
        for c in &report.checks {
            println!("{} {}: {}", if c.passed { "ok  " } else { "FAIL" }, c.check, c.detail);
        }
        if let Some(name) = &report.name {
            println!(
                "credential: {name} — {} — issued by {} — valid from {}",
                report.achievement.as_deref().unwrap_or("?"),
                report.issuer.as_deref().unwrap_or("?"),
                report.valid_from.as_deref().unwrap_or("?")
            );
        }
        println!("{}", if report.valid() { "valid" } else { "NOT VALID" });
    }
    Ok(if report.valid() { EXIT_OK } else { EXIT_INVALID })
}
