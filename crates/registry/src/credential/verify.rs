//! Offline verification of a registry VC-JWT: nine checks, each with a French sentence, in the
//! order a careful reader would make them. The first four (structure, algorithm, key, signature)
//! stop the verification when they fail: nothing in a token whose signature does not hold can be
//! believed, so its payload is not even decoded before. The last five are all made and all
//! reported (a signed payload that is not a JSON object stops at the type check).

use serde::Serialize;
use serde_json::{Map, Value};

use super::encoding::from_base64url;
use super::{JWT_ALGORITHM, JWT_TYPE, OB_CONTEXT, PublicKey, VC_CONTEXT};
use crate::date::Timestamp;

/// The checks, in the order they are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckName {
    /// Three base64url segments; the header is a JSON object; the signature has 64 bytes.
    Structure,
    /// `alg` is EdDSA (never `none`), `typ` is JWT when present, no other header parameter.
    Algorithm,
    /// The header's `kid` (or `jwk`) names a trusted key.
    Key,
    /// The Ed25519 signature of the header and payload holds.
    Signature,
    /// `issuer.id` is the signing key's `did:key`, and `iss` equals it.
    Issuer,
    /// `jti`, `sub`, `nbf`, `exp` equal `id`, `credentialSubject.id`, `validFrom`, `validUntil`.
    Claims,
    /// The signed payload is a JSON object and an Open Badges 3.0 `OpenBadgeCredential`
    /// (contexts and types).
    Type,
    /// `validFrom` ≤ now < `validUntil`.
    Validity,
    /// The registry has not revoked it.
    Revocation,
}

impl CheckName {
    /// Every check, in order.
    pub const ALL: [CheckName; 9] = [
        CheckName::Structure,
        CheckName::Algorithm,
        CheckName::Key,
        CheckName::Signature,
        CheckName::Issuer,
        CheckName::Claims,
        CheckName::Type,
        CheckName::Validity,
        CheckName::Revocation,
    ];

    /// The French name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            CheckName::Structure => "Structure du jeton",
            CheckName::Algorithm => "Algorithme",
            CheckName::Key => "Clé de signature",
            CheckName::Signature => "Signature",
            CheckName::Issuer => "Émetteur",
            CheckName::Claims => "Revendications JWT",
            CheckName::Type => "Type de titre",
            CheckName::Validity => "Période de validité",
            CheckName::Revocation => "Révocation",
        }
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Which check.
    pub name: CheckName,
    /// Whether it holds.
    pub ok: bool,
    /// What was found, in French; when it fails, what is wrong and what was expected.
    pub message_fr: String,
}

/// A revocation recorded by the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevocationInfo {
    /// When the credential was revoked.
    pub revoked_at: Timestamp,
    /// Why.
    pub reason: String,
}

/// What the caller knows of a credential's revocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// The registry holds the credential and has not revoked it.
    NotRevoked,
    /// The registry revoked it.
    Revoked(RevocationInfo),
    /// The caller cannot tell (no database, credential unknown to it); the sentence says why, in
    /// French. The check is then reported as not made, and does not by itself invalidate.
    Unknown(String),
}

/// The result of [`verify`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verification {
    /// Whether every check was made and holds.
    pub valid: bool,
    /// The checks made, in order (fewer than nine when a fatal one failed).
    pub checks: Vec<Check>,
    /// Whether the revocation check could consult the registry's records.
    pub revocation_checked: bool,
    /// The credential (the payload without its JWT claims), once its signature holds.
    pub credential: Option<Value>,
}

/// The pieces of a compact JWS. The payload stays encoded until the signature holds: any change
/// to it is then reported as what it is, a signature that no longer matches.
struct Token<'a> {
    header: Map<String, Value>,
    payload: &'a str,
    signing_input: &'a str,
    signature: Vec<u8>,
}

/// Verifies a VC-JWT of the registry against trusted public keys at `now`; `revocation` is asked
/// about the credential's `id` (the caller looks it up in the store). Pure: no clock, no file, no
/// network. Any changed byte of a token makes it invalid.
pub fn verify(
    jwt: &str,
    trusted: &[PublicKey],
    now: Timestamp,
    revocation: &dyn Fn(&str) -> Revocation,
) -> Verification {
    let mut checks = Vec::with_capacity(CheckName::ALL.len());
    let stop = |checks: Vec<Check>| Verification { valid: false, checks, revocation_checked: false, credential: None };
    let token = match parse(jwt) {
        Ok(token) => token,
        Err(message) => {
            checks.push(fail(CheckName::Structure, message));
            return stop(checks);
        }
    };
    checks.push(pass(
        CheckName::Structure,
        "trois segments base64url (en-tête, contenu, signature) ; en-tête JSON ; signature de 64 octets".to_owned(),
    ));
    match check_header(&token.header) {
        Ok(message) => checks.push(pass(CheckName::Algorithm, message)),
        Err(message) => {
            checks.push(fail(CheckName::Algorithm, message));
            return stop(checks);
        }
    }
    let key = match find_key(&token.header, trusted) {
        Ok(key) => {
            checks.push(pass(CheckName::Key, format!("clé du registre {}", key.did())));
            key
        }
        Err(message) => {
            checks.push(fail(CheckName::Key, message));
            return stop(checks);
        }
    };
    if !key.verifies(token.signing_input.as_bytes(), &token.signature) {
        checks.push(fail(
            CheckName::Signature,
            "la signature ne correspond pas au contenu : le jeton a été modifié après sa délivrance, ou n'a pas été signé par cette clé".to_owned(),
        ));
        return stop(checks);
    }
    checks.push(pass(
        CheckName::Signature,
        "signature Ed25519 valide : le contenu est celui que le registre a signé".to_owned(),
    ));

    let payload = match decode_payload(token.payload) {
        Ok(payload) => payload,
        Err(message) => {
            checks.push(fail(CheckName::Type, message));
            return stop(checks);
        }
    };
    let payload = &payload;
    checks.push(outcome(CheckName::Issuer, check_issuer(payload, key)));
    checks.push(outcome(CheckName::Claims, check_claims(payload)));
    checks.push(outcome(CheckName::Type, check_type(payload)));
    checks.push(outcome(CheckName::Validity, check_validity(payload, now)));
    let (revocation_check, revocation_checked) = check_revocation(payload, revocation);
    checks.push(revocation_check);

    let mut credential = payload.clone();
    for claim in ["iss", "jti", "sub", "nbf", "exp"] {
        credential.remove(claim);
    }
    let valid = checks.len() == CheckName::ALL.len() && checks.iter().all(|check| check.ok);
    Verification { valid, checks, revocation_checked, credential: Some(Value::Object(credential)) }
}

fn pass(name: CheckName, message_fr: String) -> Check {
    Check { name, ok: true, message_fr }
}

fn fail(name: CheckName, message_fr: String) -> Check {
    Check { name, ok: false, message_fr }
}

fn outcome(name: CheckName, result: Result<String, Vec<String>>) -> Check {
    match result {
        Ok(message) => pass(name, message),
        Err(problems) => fail(name, problems.join(" ; ")),
    }
}

/// Splits a compact JWS and decodes its header and signature.
fn parse(jwt: &str) -> Result<Token<'_>, String> {
    let segments: Vec<&str> = jwt.split('.').collect();
    let [header, payload, signature] = segments[..] else {
        return Err(format!(
            "un label signé est un jeton de trois segments séparés par des points (en-tête.contenu.signature) ; celui-ci en compte {}",
            segments.len()
        ));
    };
    let names = ["l'en-tête", "le contenu", "la signature"];
    for (idx, segment) in [header, payload, signature].into_iter().enumerate() {
        if segment.is_empty() {
            return Err(format!("{} (segment {}) est vide", names[idx], idx + 1));
        }
        // The payload's characters are checked here, its decoding waits for the signature.
        if !segment.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_') {
            return Err(format!(
                "{} (segment {}) n'est pas du base64url sans remplissage ; caractères acceptés : A-Z, a-z, 0-9, « - » et « _ »",
                names[idx],
                idx + 1
            ));
        }
    }
    let decode = |segment: &str, idx: usize| {
        from_base64url(segment).ok_or_else(|| {
            format!("{} (segment {}) n'est pas du base64url valide (longueur ou derniers bits)", names[idx], idx + 1)
        })
    };
    let header = match serde_json::from_slice::<Value>(&decode(header, 0)?) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err("l'en-tête décodé est du JSON mais pas un objet { … }".to_owned()),
        Err(_) => return Err("l'en-tête décodé n'est pas du JSON valide en UTF-8".to_owned()),
    };
    let signature = decode(signature, 2)?;
    if signature.len() != 64 {
        return Err(format!("la signature fait {} octets ; une signature Ed25519 en fait 64", signature.len()));
    }
    let signing_input = &jwt[..segments[0].len() + 1 + segments[1].len()];
    Ok(Token { header, payload, signing_input, signature })
}

/// The signed payload as a JSON object.
fn decode_payload(payload: &str) -> Result<Map<String, Value>, String> {
    let not_a_credential = "le contenu signé n'est pas un titre : ";
    let bytes = from_base64url(payload)
        .ok_or_else(|| format!("{not_a_credential}ce n'est pas du base64url valide (longueur ou derniers bits)"))?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(format!("{not_a_credential}c'est du JSON mais pas un objet {{ … }}")),
        Err(_) => Err(format!("{not_a_credential}ce n'est pas du JSON valide en UTF-8")),
    }
}

/// The header parameters Open Badges allows.
const HEADER_PARAMETERS: [&str; 4] = ["alg", "kid", "typ", "jwk"];

fn check_header(header: &Map<String, Value>) -> Result<String, String> {
    match header.get("alg") {
        Some(Value::String(alg)) if alg == JWT_ALGORITHM => {}
        Some(Value::String(alg)) if alg.eq_ignore_ascii_case("none") => {
            return Err(format!(
                "l'algorithme « {alg} » (jeton non signé) est refusé ; seul {JWT_ALGORITHM} (Ed25519) est accepté"
            ));
        }
        Some(Value::String(alg)) => {
            return Err(format!("algorithme « {alg} » refusé ; seul {JWT_ALGORITHM} (Ed25519) est accepté"));
        }
        _ => return Err(format!("l'en-tête ne donne pas d'algorithme (alg) ; attendu : « {JWT_ALGORITHM} »")),
    }
    if let Some(typ) = header.get("typ")
        && typ.as_str() != Some(JWT_TYPE)
    {
        return Err(format!("type de jeton {typ} refusé ; attendu : « {JWT_TYPE} », ou pas de typ"));
    }
    if let Some(unknown) = header.keys().find(|name| !HEADER_PARAMETERS.contains(&name.as_str())) {
        return Err(format!(
            "paramètre d'en-tête « {unknown} » non admis par Open Badges 3.0 ; paramètres admis : {}",
            HEADER_PARAMETERS.join(", ")
        ));
    }
    Ok(format!("{JWT_ALGORITHM} (Ed25519), jeton de type {JWT_TYPE}"))
}

fn find_key<'k>(header: &Map<String, Value>, trusted: &'k [PublicKey]) -> Result<&'k PublicKey, String> {
    let known = || trusted.iter().map(PublicKey::did).collect::<Vec<_>>().join(", ");
    if trusted.is_empty() {
        return Err("aucune clé de confiance : impossible de dire si ce label vient du registre".to_owned());
    }
    if let Some(kid) = header.get("kid") {
        let Some(kid) = kid.as_str() else {
            return Err(format!("l'identifiant de clé (kid) {kid} n'est pas une chaîne"));
        };
        return trusted.iter().find(|key| key.verification_method() == kid || key.thumbprint() == kid).ok_or_else(
            || format!("clé « {kid} » inconnue : ce label n'a pas été signé par la clé de ce registre ({})", known()),
        );
    }
    if let Some(jwk) = header.get("jwk") {
        let key = PublicKey::from_jwk(jwk).ok_or_else(|| {
            "la clé jwk de l'en-tête n'est pas une clé publique Ed25519 (kty OKP, crv Ed25519)".to_owned()
        })?;
        return trusted
            .iter()
            .find(|candidate| **candidate == key)
            .ok_or_else(|| format!("la clé jwk de l'en-tête n'est pas celle de ce registre ({} attendue)", known()));
    }
    Err(format!("l'en-tête ne désigne aucune clé (ni kid ni jwk) ; attendu : kid = {}", known()))
}

/// `issuer.id` (or `issuer` as a plain string).
fn issuer_id(payload: &Map<String, Value>) -> Option<&str> {
    match payload.get("issuer")? {
        Value::String(id) => Some(id),
        Value::Object(profile) => profile.get("id")?.as_str(),
        _ => None,
    }
}

fn check_issuer(payload: &Map<String, Value>, key: &PublicKey) -> Result<String, Vec<String>> {
    let expected = key.did();
    let mut problems = Vec::new();
    let issuer = issuer_id(payload);
    match issuer {
        None => problems.push(format!("issuer.id absent ; attendu : {expected}")),
        Some(id) if id != expected => problems
            .push(format!("l'émetteur « {id} » n'est pas ce registre ; attendu : {expected}, la clé qui a signé")),
        Some(_) => {}
    }
    match (payload.get("iss").and_then(Value::as_str), issuer) {
        (None, _) => problems.push(format!("revendication iss absente ; attendu : {expected}")),
        (Some(iss), Some(id)) if iss != id => {
            problems.push(format!("la revendication iss « {iss} » diffère de issuer.id « {id} »"))
        }
        _ => {}
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let name = payload.get("issuer").and_then(|issuer| issuer.get("name")).and_then(Value::as_str).unwrap_or(&expected);
    Ok(format!("« {name} » ({expected})"))
}

fn check_claims(payload: &Map<String, Value>) -> Result<String, Vec<String>> {
    let mut problems = Vec::new();
    let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_owned);
    let pairs = [
        ("jti", text(payload.get("jti")), "id", text(payload.get("id"))),
        (
            "sub",
            text(payload.get("sub")),
            "credentialSubject.id",
            text(payload.get("credentialSubject").and_then(|subject| subject.get("id"))),
        ),
    ];
    for (claim, claim_value, property, property_value) in pairs {
        match (claim_value, property_value) {
            (Some(claim_value), Some(property_value)) if claim_value == property_value => {}
            (None, _) => {
                problems.push(format!("revendication {claim} absente ou pas une chaîne ; attendu : {property}"))
            }
            (_, None) => problems.push(format!("{property} absent ou pas une chaîne")),
            (Some(claim_value), Some(property_value)) => {
                problems.push(format!("{claim} « {claim_value} » diffère de {property} « {property_value} »"))
            }
        }
    }
    for (claim, property, required) in [("nbf", "validFrom", true), ("exp", "validUntil", false)] {
        let seconds = payload.get(claim).map(|value| value.as_i64());
        let instant = payload.get(property).map(|value| value.as_str().and_then(Timestamp::parse));
        match (seconds, instant) {
            (None, None) if !required => {}
            (None, _) => {
                problems.push(format!("revendication {claim} absente ; attendu : {property} en secondes Unix"))
            }
            (Some(None), _) => problems.push(format!("revendication {claim} qui n'est pas un entier de secondes Unix")),
            (_, None) => problems.push(format!("{property} absent alors que la revendication {claim} est présente")),
            (_, Some(None)) => {
                problems.push(format!("{property} illisible ; attendu une date-heure UTC AAAA-MM-JJTHH:MM:SSZ"))
            }
            (Some(Some(seconds)), Some(Some(instant))) if seconds == instant.unix_seconds => {}
            (Some(Some(seconds)), Some(Some(instant))) => problems.push(format!(
                "{claim} {seconds} ({}) diffère de {property} {instant}",
                Timestamp { unix_seconds: seconds }
            )),
        }
    }
    if problems.is_empty() {
        Ok("jti, sub, nbf et exp concordent avec id, credentialSubject.id, validFrom et validUntil".to_owned())
    } else {
        Err(problems)
    }
}

/// The entries of a `type` (an array of strings, or one string).
fn types(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn check_type(payload: &Map<String, Value>) -> Result<String, Vec<String>> {
    let mut problems = Vec::new();
    let contexts = types(payload.get("@context"));
    if contexts.first() != Some(&VC_CONTEXT) {
        problems.push(format!("@context doit commencer par {VC_CONTEXT} (modèle Verifiable Credentials 2.0)"));
    }
    if !contexts.contains(&OB_CONTEXT) {
        problems.push(format!("@context doit contenir {OB_CONTEXT} (Open Badges 3.0)"));
    }
    let credential_types = types(payload.get("type"));
    for expected in ["VerifiableCredential", "OpenBadgeCredential"] {
        if !credential_types.contains(&expected) {
            problems.push(format!("type ne contient pas {expected} (types trouvés : {})", shown(&credential_types)));
        }
    }
    let subject = payload.get("credentialSubject");
    if !types(subject.and_then(|subject| subject.get("type"))).contains(&"AchievementSubject") {
        problems.push("credentialSubject.type ne contient pas AchievementSubject".to_owned());
    }
    let achievement = subject.and_then(|subject| subject.get("achievement"));
    if !types(achievement.and_then(|achievement| achievement.get("type"))).contains(&"Achievement") {
        problems.push("credentialSubject.achievement.type ne contient pas Achievement".to_owned());
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let name = achievement.and_then(|achievement| achievement.get("name")).and_then(Value::as_str).unwrap_or("");
    Ok(format!("OpenBadgeCredential (Open Badges 3.0) « {name} »"))
}

fn shown(items: &[&str]) -> String {
    if items.is_empty() { "aucun".to_owned() } else { items.join(", ") }
}

fn check_validity(payload: &Map<String, Value>, now: Timestamp) -> Result<String, Vec<String>> {
    let instant = |property: &str| payload.get(property).and_then(Value::as_str).and_then(Timestamp::parse);
    let mut problems = Vec::new();
    let from = instant("validFrom");
    let until = instant("validUntil");
    if from.is_none() {
        problems.push("validFrom absent ou illisible ; attendu une date-heure UTC AAAA-MM-JJTHH:MM:SSZ".to_owned());
    }
    if until.is_none() {
        problems.push(
            "validUntil absent ou illisible ; un label du registre a toujours une fin de validité (AAAA-MM-JJTHH:MM:SSZ)"
                .to_owned(),
        );
    }
    let (Some(from), Some(until)) = (from, until) else {
        return Err(problems);
    };
    if now < from {
        return Err(vec![format!("pas encore valable : le label prend effet le {from} (vérifié le {now})")]);
    }
    if now >= until {
        return Err(vec![format!("expiré : le label était valable jusqu'au {until} exclu (vérifié le {now})")]);
    }
    Ok(format!("valable du {from} au {until} exclu (vérifié le {now})"))
}

fn check_revocation(payload: &Map<String, Value>, revocation: &dyn Fn(&str) -> Revocation) -> (Check, bool) {
    let Some(id) = payload.get("id").and_then(Value::as_str) else {
        let message = "le titre n'a pas d'identifiant (id) : sa révocation ne peut pas être vérifiée".to_owned();
        return (fail(CheckName::Revocation, message), false);
    };
    match revocation(id) {
        Revocation::NotRevoked => (pass(CheckName::Revocation, "non révoqué d'après le registre".to_owned()), true),
        Revocation::Revoked(info) => (
            fail(
                CheckName::Revocation,
                format!("révoqué par le registre le {} ; motif : {}", info.revoked_at, info.reason),
            ),
            true,
        ),
        Revocation::Unknown(why) => (pass(CheckName::Revocation, format!("non vérifiée : {why}")), false),
    }
}
