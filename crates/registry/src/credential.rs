//! The signed label: a granted label becomes an Open Badges 3.0 `OpenBadgeCredential` (W3C
//! Verifiable Credentials data model 2.0), signed by the registry's Ed25519 key as a VC-JWT, and
//! verified offline.
//!
//! Choices, and why:
//!
//! - **Issuer and key ids are `did:key`.** The issuer id is the `did:key` of the registry's key
//!   and the JWT `kid` its verification method (`did:key:z6Mk…#z6Mk…`). A `did:key` *is* the
//!   public key, so "signed by the registry's key" and "issued by the registry" are one check that
//!   needs no network and no base URL, and the `kid` is a URI that dereferences to the key, as Open
//!   Badges asks. The same key is published as a JWK (`kid` = RFC 7638 thumbprint) for the web
//!   layer's `/.well-known/jwks.json`, and the verifier accepts either id in the header.
//! - **JWT shape: Open Badges 3.0's JSON Web Token proof format.** JOSE header `alg` `EdDSA`,
//!   `kid`, `typ` `JWT` (Open Badges allows no other header and no other `typ`; VC-JOSE-COSE's
//!   `vc+jwt` would break that rule). The payload is the credential itself (VC 2.0, no `vc`
//!   claim) with the registered claims `iss` = `issuer.id`, `jti` = `id`, `sub` =
//!   `credentialSubject.id`, `nbf` = `validFrom` and `exp` = `validUntil` as Unix seconds; the
//!   verifier checks that each claim equals its credential property.
//! - **Revocation: `credentialStatus` of type `1EdTechRevocationList`** (Open Badges' revocation
//!   list method) whose `id` is the registry's status URL for this credential,
//!   `{registry}/label/statut/{uuid}`. The web layer answers there with a revocation list holding
//!   this credential when it is revoked. Offline, [`verify`] asks its caller (who looks the id up
//!   in the store).
//! - Contexts are named as URL strings and never fetched.

mod encoding;
mod key;
mod verify;

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use skills::{Level, Referentiel};

use crate::criteria::{Status, Verdict};
use crate::date::{Date, Timestamp};
use crate::model::Declaration;
use crate::workflow::{State, Transition};

pub use key::{KEY_DIR, KEY_FILE, KeyError, KeyStatus, PublicKey, SigningKey};
pub use verify::{Check, CheckName, Revocation, RevocationInfo, Verification, verify};

/// The W3C Verifiable Credentials data model 2.0 context, always first.
pub const VC_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// The Open Badges 3.0 context.
pub const OB_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// The Open Badges 3.0 extensions context, which defines `1EdTechRevocationList`.
pub const OB_EXTENSIONS_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";
/// The `credentialStatus` type of the registry's credentials.
pub const STATUS_TYPE: &str = "1EdTechRevocationList";
/// The issuer's name in every credential.
pub const ISSUER_NAME: &str = "Registre socle — label science des données";
/// The achievement's name.
pub const ACHIEVEMENT_NAME: &str = "Label science des données";
/// The JOSE `typ` of the registry's VC-JWTs.
pub const JWT_TYPE: &str = "JWT";
/// The only signing algorithm accepted.
pub const JWT_ALGORITHM: &str = "EdDSA";

/// A credential's identifier: a random (version 4) UUID. The credential's `id` is its
/// `urn:uuid:` form; the registry's URLs use the bare UUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CredentialId(uuid::Uuid);

impl CredentialId {
    /// A new identifier from the system's random generator.
    pub fn random() -> Result<CredentialId, IssueError> {
        let mut bytes = [0_u8; 16];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes).map_err(|_| IssueError::Random)?;
        Ok(CredentialId(uuid::Builder::from_random_bytes(bytes).into_uuid()))
    }

    /// Parses the bare UUID of a URL (`3f2c…-…`), in its canonical lower-case hyphenated form only.
    pub fn parse(text: &str) -> Option<CredentialId> {
        let uuid = uuid::Uuid::try_parse(text).ok()?;
        (uuid.hyphenated().to_string() == text).then_some(CredentialId(uuid))
    }

    /// Parses the credential's `id` (`urn:uuid:…`).
    pub fn from_urn(text: &str) -> Option<CredentialId> {
        CredentialId::parse(text.strip_prefix("urn:uuid:")?)
    }

    /// The credential's `id`: `urn:uuid:…`. The store keeps credentials under this id.
    pub fn urn(&self) -> String {
        format!("urn:uuid:{}", self.0.hyphenated())
    }

    /// The registry's status (revocation) URL of the credential: `{registry}/label/statut/{uuid}`.
    pub fn status_url(&self, registry_url: &str) -> String {
        format!("{}/label/statut/{}", registry_url.trim_end_matches('/'), self.0.hyphenated())
    }
}

impl std::fmt::Display for CredentialId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.hyphenated())
    }
}

/// What issuing a label's credential needs.
#[derive(Debug, Clone, Copy)]
pub struct CredentialInput<'a> {
    /// The credential's identifier (see [`CredentialId::random`]).
    pub id: CredentialId,
    /// The registry's public base URL (`https://registre.example.fr`), for the issuer's page, the
    /// criteria page, the référentiel links and the status URL.
    pub registry_url: &'a str,
    /// The programme's public page in the registry: the credential subject's `id`.
    pub programme_url: &'a str,
    /// The labelled programme's declaration.
    pub declaration: &'a Declaration,
    /// The référentiel the declaration was checked with.
    pub referentiel: &'a Referentiel,
    /// The workflow record that granted (or reinstated) the label: it gives `validFrom` (its
    /// instant) and `validUntil` (midnight UTC of its expiry date, the first day no longer valid).
    pub grant: &'a Transition,
}

/// A signed credential, as issued.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuedCredential {
    /// The credential's `id` (`urn:uuid:…`): the key to store it under and to revoke it by.
    pub id: String,
    /// The credential (JSON, without the JWT claims).
    pub credential: Value,
    /// The compact JWS: what the provider downloads and anyone verifies.
    pub jwt: String,
    /// Start of validity.
    pub valid_from: Timestamp,
    /// End of validity (excluded).
    pub valid_until: Timestamp,
}

/// Why no credential is issued.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IssueError {
    /// The workflow record does not grant the label.
    #[error(
        "aucun label signé pour un passage à l'état « {to} » : seul l'octroi (ou le rétablissement) d'un label donne lieu à un titre signé"
    )]
    NotGranted {
        /// The state the record leads to.
        to: State,
    },
    /// The grant has no expiry date, or its validity period is empty.
    #[error(
        "période de validité du label invalide (octroi le {from}, expiration : {until}) : attendu une date d'expiration postérieure à l'octroi"
    )]
    Validity {
        /// The instant of the grant.
        from: Timestamp,
        /// The expiry date, or « aucune ».
        until: String,
    },
    /// The declaration fails at least one criterion on the day of the grant.
    #[error(
        "la formation {programme} n'est pas éligible au label le {date} (critère(s) non conforme(s) : {failed}) : aucun titre ne peut être délivré"
    )]
    NotEligible {
        /// The programme's id.
        programme: String,
        /// The day of the grant.
        date: Date,
        /// The failed criteria, comma-separated.
        failed: String,
    },
    /// A URL is not absolute http(s).
    #[error(
        "adresse {field} « {value} » refusée : attendu une adresse absolue commençant par https:// (ou http:// en local)"
    )]
    Url {
        /// Which input.
        field: &'static str,
        /// What was given.
        value: String,
    },
    /// The system's random generator failed.
    #[error("le générateur aléatoire du système a échoué : identifiant de titre impossible à tirer")]
    Random,
}

/// Checks that a URL is absolute http(s), without spaces or control characters.
fn check_url(field: &'static str, value: &str) -> Result<(), IssueError> {
    let rest = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://"));
    let ok = rest.is_some_and(|rest| {
        !rest.is_empty() && !rest.starts_with('/') && !value.chars().any(|c| c.is_whitespace() || c.is_control())
    });
    if ok { Ok(()) } else { Err(IssueError::Url { field, value: value.to_owned() }) }
}

/// Builds the credential of a granted label and signs it. Refuses when the record is not a grant,
/// when the declaration is not eligible on the day of the grant, or when a URL is not absolute.
pub fn issue(key: &SigningKey, input: &CredentialInput<'_>) -> Result<IssuedCredential, IssueError> {
    let grant = input.grant;
    if grant.to != State::Granted {
        return Err(IssueError::NotGranted { to: grant.to });
    }
    let valid_from = grant.at;
    let valid_until = grant.expires_on.map(Timestamp::at_midnight).filter(|until| *until > valid_from);
    let (Some(valid_until), Some(expires_on)) = (valid_until, grant.expires_on) else {
        let until = grant.expires_on.map_or_else(|| "aucune".to_owned(), |date| date.to_string());
        return Err(IssueError::Validity { from: valid_from, until });
    };
    check_url("du registre", input.registry_url)?;
    check_url("de la formation", input.programme_url)?;
    // The registry's URL is a base that paths are appended to; the programme's is kept as given.
    let registry_url = input.registry_url.trim_end_matches('/');
    let day = valid_from.date();
    let report = crate::evaluate(input.declaration, input.referentiel, day);
    if report.verdict != Verdict::Eligible {
        let failed: Vec<&str> =
            report.criteria.iter().filter(|result| result.status == Status::Fail).map(|result| result.id).collect();
        return Err(IssueError::NotEligible {
            programme: input.declaration.programme.id.clone(),
            date: day,
            failed: failed.join(", "),
        });
    }
    let document = Document {
        id: input.id,
        registry_url,
        programme_url: input.programme_url,
        declaration: input.declaration,
        referentiel: input.referentiel,
        report: &report,
        valid_from,
        valid_until,
        last_valid_day: Date::from_days_since_epoch(expires_on.days_since_epoch() - 1),
    };
    let credential = document.credential(key.public_key());
    let jwt = sign(key, &credential, valid_from, valid_until);
    Ok(IssuedCredential { id: input.id.urn(), credential, jwt, valid_from, valid_until })
}

/// The compact JWS of a credential: Open Badges' header and the credential with its JWT claims.
fn sign(key: &SigningKey, credential: &Value, valid_from: Timestamp, valid_until: Timestamp) -> String {
    let header = json!({ "alg": JWT_ALGORITHM, "kid": key.public_key().verification_method(), "typ": JWT_TYPE });
    let mut payload = credential.as_object().cloned().unwrap_or_default();
    payload.insert("iss".to_owned(), credential["issuer"]["id"].clone());
    payload.insert("jti".to_owned(), credential["id"].clone());
    payload.insert("sub".to_owned(), credential["credentialSubject"]["id"].clone());
    payload.insert("nbf".to_owned(), json!(valid_from.unix_seconds));
    payload.insert("exp".to_owned(), json!(valid_until.unix_seconds));
    let signing_input = format!(
        "{}.{}",
        encoding::base64url(header.to_string().as_bytes()),
        encoding::base64url(Value::Object(payload).to_string().as_bytes())
    );
    let signature = key.sign(signing_input.as_bytes());
    format!("{signing_input}.{}", encoding::base64url(&signature))
}

/// The issuer's profile, as in every credential (and as the web layer serves it).
pub fn issuer_profile(key: &PublicKey, registry_url: &str) -> Value {
    json!({
        "id": key.did(),
        "type": ["Profile"],
        "name": ISSUER_NAME,
        "url": registry_url.trim_end_matches('/'),
        "description": "Registre des formations en science des données de socle : il vérifie les déclarations des formations contre les critères C1 à C14 et délivre le label science des données.",
    })
}

/// A JWK Set holding public keys (for `/.well-known/jwks.json`).
pub fn jwks(keys: &[PublicKey]) -> Value {
    json!({ "keys": keys.iter().map(PublicKey::jwk).collect::<Vec<_>>() })
}

/// Everything the credential document says.
struct Document<'a> {
    id: CredentialId,
    registry_url: &'a str,
    programme_url: &'a str,
    declaration: &'a Declaration,
    referentiel: &'a Referentiel,
    report: &'a crate::Report,
    valid_from: Timestamp,
    valid_until: Timestamp,
    last_valid_day: Date,
}

impl Document<'_> {
    fn credential(&self, key: &PublicKey) -> Value {
        let programme = &self.declaration.programme;
        let subject_name = format!("{} — {}", programme.title, programme.provider);
        json!({
            "@context": [VC_CONTEXT, OB_CONTEXT, OB_EXTENSIONS_CONTEXT],
            "id": self.id.urn(),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": format!("{ACHIEVEMENT_NAME} : {} ({})", programme.title, programme.provider),
            "description": format!(
                "Le registre socle atteste que la formation « {} » ({}) détient le label science des données, accordé le {} et valable jusqu'au {} inclus.",
                programme.title,
                programme.provider,
                self.valid_from.date(),
                self.last_valid_day
            ),
            "issuer": issuer_profile(key, self.registry_url),
            "validFrom": self.valid_from.to_string(),
            "validUntil": self.valid_until.to_string(),
            "credentialSubject": {
                "id": self.programme_url,
                "type": ["AchievementSubject"],
                "identifier": self.identifiers(&subject_name),
                "achievement": {
                    "id": format!("{}/label/credentials/{}#label", self.registry_url, self.id),
                    "type": ["Achievement"],
                    "name": ACHIEVEMENT_NAME,
                    "description": "Le label science des données du registre socle reconnaît une formation complète sur les trois piliers disciplinaires du référentiel de compétences socle, construite sur un tronc commun avant une spécialisation tardive, avec des projets sur données réelles de taille réelle et du temps en entreprise. Il est accordé pour trois ans, sous réserve d'une mise à jour annuelle de la déclaration.",
                    "criteria": {
                        "id": format!("{}/label", self.registry_url),
                        "narrative": self.narrative(),
                    },
                    "alignment": self.alignment(),
                    "inLanguage": "fr",
                },
            },
            "credentialStatus": {
                "id": self.id.status_url(self.registry_url),
                "type": STATUS_TYPE,
            },
        })
    }

    /// The programme's name and, when declared, its own public page.
    fn identifiers(&self, subject_name: &str) -> Value {
        let mut identifiers = vec![
            json!({ "type": "IdentityObject", "identityHash": subject_name, "identityType": "name", "hashed": false }),
        ];
        if let Some(url) = &self.declaration.programme.public_url {
            identifiers.push(
                json!({ "type": "IdentityObject", "identityHash": url, "identityType": "identifier", "hashed": false }),
            );
        }
        Value::Array(identifiers)
    }

    /// The French account of the review: verdict and the status of every criterion.
    fn narrative(&self) -> String {
        let programme = &self.declaration.programme;
        let level = programme.level.map_or(String::new(), |level| format!(", niveau {level}"));
        let counts = [Status::Pass, Status::Declarative, Status::Fail, Status::NotApplicable].map(|status| {
            let count = self.report.count(status);
            let plural = if count > 1 && status != Status::NotApplicable { "s" } else { "" };
            format!("{count} {}{plural}", status.label())
        });
        let mut text = format!(
            "Formation « {} » ({}), {}{level}, examinée le {} contre les critères C1 à C14 du label avec le référentiel de compétences socle {}. Verdict : {} ({}). Label accordé par un instructeur du registre, valable jusqu'au {} inclus, sous réserve d'une mise à jour annuelle de la déclaration.\n",
            programme.title,
            programme.provider,
            programme.diploma.label(),
            self.valid_from.date(),
            self.referentiel.version,
            self.report.verdict.label(),
            counts.join(", "),
            self.last_valid_day,
        );
        for result in &self.report.criteria {
            let title = crate::criteria::criterion(result.id).map_or("", |criterion| criterion.title);
            text.push_str(&format!("\n- {} {title} : {}", result.id, result.status.label()));
        }
        text
    }

    /// One alignment per référentiel competence the programme claims, at its highest level.
    fn alignment(&self) -> Value {
        let mut levels: BTreeMap<&str, Level> = BTreeMap::new();
        for (_, claim) in self.declaration.claims() {
            let level = levels.entry(claim.id.as_str()).or_insert(claim.level);
            *level = (*level).max(claim.level);
        }
        let framework = format!("Référentiel socle {}", self.referentiel.version);
        let alignments = levels
            .into_iter()
            .filter_map(|(id, level)| {
                let competence = self.referentiel.competence(id)?;
                let mut alignment = Map::new();
                alignment.insert("type".to_owned(), json!(["Alignment"]));
                alignment.insert("targetName".to_owned(), json!(competence.label.fr));
                alignment.insert("targetUrl".to_owned(), json!(format!("{}/referentiel/{id}", self.registry_url)));
                alignment.insert(
                    "targetDescription".to_owned(),
                    json!(format!("Niveau visé par la formation : {} — {}", level.code(), competence.level(level))),
                );
                alignment.insert("targetCode".to_owned(), json!(id));
                alignment.insert("targetFramework".to_owned(), json!(framework));
                Some(Value::Object(alignment))
            })
            .collect();
        Value::Array(alignments)
    }
}
