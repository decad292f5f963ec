//! The cryptography of accounts: password hashing (argon2id), session tokens, CSRF tokens, and
//! the installation's key for anonymous forms.
//!
//! Everything secret is random from the system's generator (`ring::rand::SystemRandom`) and
//! written as lower-case hex. The store keeps password hashes (PHC strings) and the SHA-256 of
//! session tokens, never a password or a token itself.

use std::sync::Arc;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use ring::rand::{SecureRandom, SystemRandom};
use ring::{digest, hmac};

/// Fewest characters a password may have (Unicode characters, spaces included).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Most characters a password may have: longer input is refused before it is hashed.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// How long a session lasts after login, in seconds (12 hours, a working day). The expiry is
/// absolute: using the session does not extend it.
pub const SESSION_SECONDS: i64 = 12 * 60 * 60;

/// The kind given to an organisation created with an account (`socle admin create-user`, the
/// admin page): the registry asks the provider for the real kind later.
pub const UNSPECIFIED_ORGANISATION_KIND: &str = "non_renseigne";

/// The settings key under which the installation's key for anonymous forms is kept.
const ANONYMOUS_FORM_KEY_SETTING: &str = "web.cle_formulaires_anonymes";

/// Bytes of every random secret: session tokens, CSRF secrets, keys, salts are 256 bits.
const SECRET_BYTES: usize = 32;

/// Bytes of a password salt.
const SALT_BYTES: usize = 16;

/// A failure of the cryptography itself: the system's random generator or the hash function.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CryptoError(String);

/// `n` random bytes from the system's generator.
fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut bytes = [0_u8; N];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| CryptoError("le générateur aléatoire du système ne répond pas".to_owned()))?;
    Ok(bytes)
}

fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let digit = |byte: u8| match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        _ => None,
    };
    text.as_bytes().chunks(2).map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?)).collect()
}

/// A fresh random secret of 256 bits, as 64 hex characters: a session token, a CSRF secret, the
/// nonce of an anonymous form.
pub fn new_secret() -> Result<String, CryptoError> {
    Ok(to_hex(&random_bytes::<SECRET_BYTES>()?))
}

/// Whether `text` has the shape of a secret made by [`new_secret`]; cookies that do not are
/// ignored without a database lookup.
pub fn is_secret_shaped(text: &str) -> bool {
    text.len() == SECRET_BYTES * 2 && text.bytes().all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
}

/// What the store keeps of a session token: its SHA-256, in hex. A stolen database does not
/// hand out live sessions.
pub fn session_token_hash(token: &str) -> String {
    to_hex(digest::digest(&digest::SHA256, token.as_bytes()).as_ref())
}

/// The message a form token signs: a purpose, then the form's action path, so that a token
/// is good for one form only.
fn form_message(purpose: &str, parts: &[&str]) -> Vec<u8> {
    let mut message = Vec::from(purpose.as_bytes());
    for part in parts {
        message.push(0);
        message.extend_from_slice(part.as_bytes());
    }
    message
}

/// The CSRF token of the form posting to `action_path` for the session whose CSRF secret is
/// `csrf_secret`: HMAC-SHA256 of the path under the secret, in hex.
pub fn form_token(csrf_secret: &str, action_path: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, csrf_secret.as_bytes());
    to_hex(hmac::sign(&key, &form_message("socle/formulaire", &[action_path])).as_ref())
}

/// Whether `token` is the CSRF token of the form posting to `action_path` for this session
/// (compared in constant time).
pub fn form_token_is_valid(csrf_secret: &str, action_path: &str, token: &str) -> bool {
    let key = hmac::Key::new(hmac::HMAC_SHA256, csrf_secret.as_bytes());
    from_hex(token)
        .is_some_and(|tag| hmac::verify(&key, &form_message("socle/formulaire", &[action_path]), &tag).is_ok())
}

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    /// Fewer than [`MIN_PASSWORD_CHARS`] characters (how many it has).
    #[error(
        "Le mot de passe doit compter au moins {MIN_PASSWORD_CHARS} caractères (espaces et accents compris) ; \
         celui-ci en compte {0}. Une phrase de quelques mots est facile à retenir et difficile à deviner."
    )]
    TooShort(usize),
    /// More than [`MAX_PASSWORD_CHARS`] characters.
    #[error("Le mot de passe doit compter au plus {MAX_PASSWORD_CHARS} caractères.")]
    TooLong,
    /// The confirmation differs.
    #[error("Les deux saisies du nouveau mot de passe sont différentes : retapez-le à l'identique.")]
    Mismatch,
}

impl PasswordProblem {
    /// Whether the problem is about the confirmation rather than the password itself.
    pub fn is_about_confirmation(self) -> bool {
        self == PasswordProblem::Mismatch
    }
}

/// Whether `password` is acceptable as a new password and matches its confirmation.
pub fn check_new_password(password: &str, confirmation: &str) -> Result<(), PasswordProblem> {
    let n_chars = password.chars().count();
    if n_chars < MIN_PASSWORD_CHARS {
        return Err(PasswordProblem::TooShort(n_chars));
    }
    if n_chars > MAX_PASSWORD_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    if password != confirmation {
        return Err(PasswordProblem::Mismatch);
    }
    Ok(())
}

/// Hashes a password with argon2id (the argon2 crate's defaults: 19 MiB, 2 passes, 1 lane,
/// OWASP's recommendation) and a random salt; returns the PHC string the store keeps.
/// Takes tens of milliseconds: call it off the async runtime.
pub fn hash_password(password: &str) -> Result<String, CryptoError> {
    let salt = random_bytes::<SALT_BYTES>()?;
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| CryptoError(format!("calcul de l'empreinte du mot de passe impossible : {error}")))
}

/// Whether `password` is the one whose PHC string is `password_hash`. The comparison of the
/// hashes is constant-time; a malformed hash never matches. Takes as long as
/// [`hash_password`]: call it off the async runtime.
pub fn verify_password(password: &str, password_hash: &str) -> bool {
    password.chars().count() <= MAX_PASSWORD_CHARS
        && Argon2::default().verify_password(password.as_bytes(), password_hash).is_ok()
}

/// How the session cookie is sent.
#[derive(Debug, Clone, Copy, Default)]
pub struct SecurityConfig {
    /// Mark cookies `Secure` on every answer (`socle serve --secure-cookies`), not only on
    /// requests that came over HTTPS through a proxy (`X-Forwarded-Proto: https`).
    pub secure_cookies: bool,
}

/// The installation's secrets and settings for accounts. Cheap to clone.
#[derive(Clone)]
pub struct Security {
    inner: Arc<SecurityInner>,
}

struct SecurityInner {
    config: SecurityConfig,
    /// Signs the tokens of forms shown to anonymous visitors (the login form).
    anonymous_form_key: hmac::Key,
    /// The hash of a random password nobody knows, verified when an e-mail address is unknown so
    /// that the answer takes as long as for a known one (made at the first such login).
    dummy_hash: tokio::sync::OnceCell<String>,
    /// Bounds how many password hashes run at once: each takes 19 MiB and a core.
    hashing: tokio::sync::Semaphore,
}

impl std::fmt::Debug for Security {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Security").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

/// Why [`Security::load`] failed.
#[derive(Debug, thiserror::Error)]
pub enum SecurityError {
    /// The store could not read or keep the key.
    #[error("{0}")]
    Store(#[from] store::Error),
    /// The random generator or the hash failed.
    #[error("{0}")]
    Crypto(#[from] CryptoError),
    /// The key kept in the settings is not 64 hex characters.
    #[error("le réglage {ANONYMOUS_FORM_KEY_SETTING} de la base n'est pas une clé valide (64 caractères hexadécimaux)")]
    BadKey,
}

impl Security {
    /// Reads the installation's key for anonymous forms from the store's settings, creating it
    /// on first start.
    pub async fn load(store: &store::Store, config: SecurityConfig) -> Result<Security, SecurityError> {
        let key_hex = match store.setting(ANONYMOUS_FORM_KEY_SETTING).await? {
            Some(key) => key,
            None => {
                let key = new_secret()?;
                store.set_setting(ANONYMOUS_FORM_KEY_SETTING, &key, store::unix_now()).await?;
                // Another process may have written its key first: read back the one that won.
                store.setting(ANONYMOUS_FORM_KEY_SETTING).await?.unwrap_or(key)
            }
        };
        if !is_secret_shaped(&key_hex) {
            return Err(SecurityError::BadKey);
        }
        let key_bytes = from_hex(&key_hex).ok_or(SecurityError::BadKey)?;
        let parallel = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Ok(Security {
            inner: Arc::new(SecurityInner {
                config,
                anonymous_form_key: hmac::Key::new(hmac::HMAC_SHA256, &key_bytes),
                dummy_hash: tokio::sync::OnceCell::new(),
                hashing: tokio::sync::Semaphore::new(parallel.max(1)),
            }),
        })
    }

    /// The configuration it was loaded with.
    pub fn config(&self) -> SecurityConfig {
        self.inner.config
    }

    /// The CSRF token of an anonymous form posting to `action_path`, for the visitor whose
    /// form cookie holds `nonce` (a signed double-submit cookie).
    pub fn anonymous_form_token(&self, nonce: &str, action_path: &str) -> String {
        to_hex(
            hmac::sign(&self.inner.anonymous_form_key, &form_message("socle/anonyme", &[nonce, action_path])).as_ref(),
        )
    }

    /// Whether `token` is the token of the anonymous form posting to `action_path` for `nonce`.
    pub fn anonymous_form_token_is_valid(&self, nonce: &str, action_path: &str, token: &str) -> bool {
        from_hex(token).is_some_and(|tag| {
            hmac::verify(&self.inner.anonymous_form_key, &form_message("socle/anonyme", &[nonce, action_path]), &tag)
                .is_ok()
        })
    }

    /// Checks `password` against `password_hash`, or against a dummy hash when there is no
    /// account (`None`), so that both cases take the same time. Runs off the async runtime.
    pub async fn check_password(&self, password: String, password_hash: Option<String>) -> Result<bool, CryptoError> {
        let known = password_hash.is_some();
        let hash = match password_hash {
            Some(hash) => hash,
            None => {
                let make_dummy = || async { self.hash_password(new_secret()?).await };
                self.inner.dummy_hash.get_or_try_init(make_dummy).await?.clone()
            }
        };
        let _permit = self.inner.hashing.acquire().await.map_err(|error| CryptoError(error.to_string()))?;
        let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .map_err(|error| CryptoError(format!("vérification interrompue : {error}")))?;
        Ok(known && matches)
    }

    /// Hashes a new password off the async runtime.
    pub async fn hash_password(&self, password: String) -> Result<String, CryptoError> {
        let _permit = self.inner.hashing.acquire().await.map_err(|error| CryptoError(error.to_string()))?;
        tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|error| CryptoError(format!("calcul interrompu : {error}")))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_refuses_what_is_not_lower_case_hex() {
        let bytes = [0_u8, 1, 0x7f, 0x80, 0xfe, 0xff];
        assert_eq!(to_hex(&bytes), "00017f80feff");
        assert_eq!(from_hex("00017f80feff"), Some(bytes.to_vec()));
        assert_eq!(from_hex("0"), None);
        assert_eq!(from_hex("0G"), None);
        assert_eq!(from_hex("AB"), None);
    }

    #[test]
    fn secrets_are_fresh_and_shaped() {
        let (first, second) = (new_secret().expect("aléa"), new_secret().expect("aléa"));
        assert_ne!(first, second);
        assert!(is_secret_shaped(&first));
        assert!(!is_secret_shaped(&first[1..]));
        assert!(!is_secret_shaped(&first.to_uppercase()));
        assert_eq!(session_token_hash("abc").len(), 64);
        assert_ne!(session_token_hash(&first), first);
    }

    #[test]
    fn a_form_token_is_good_for_its_session_and_its_form_only() {
        let secret = new_secret().expect("aléa");
        let token = form_token(&secret, "/compte/mot-de-passe");
        assert!(form_token_is_valid(&secret, "/compte/mot-de-passe", &token));
        assert!(!form_token_is_valid(&secret, "/admin/utilisateurs", &token));
        assert!(!form_token_is_valid(&new_secret().expect("aléa"), "/compte/mot-de-passe", &token));
        assert!(!form_token_is_valid(&secret, "/compte/mot-de-passe", ""));
        assert!(!form_token_is_valid(&secret, "/compte/mot-de-passe", &token[..62]));
    }

    #[test]
    fn new_passwords_need_twelve_characters_and_the_same_confirmation() {
        let short = check_new_password("onze-carac.", "onze-carac.").unwrap_err();
        assert_eq!(short, PasswordProblem::TooShort(11));
        assert!(short.to_string().contains("au moins 12 caractères") && short.to_string().contains("en compte 11"));
        assert!(check_new_password("éééééééééééé", "éééééééééééé").is_ok(), "12 characters, 24 bytes");
        let mismatch = check_new_password("une phrase de passe", "une phrase de pass").unwrap_err();
        assert!(mismatch.is_about_confirmation() && mismatch.to_string().contains("différentes"));
        let long = "x".repeat(MAX_PASSWORD_CHARS + 1);
        assert_eq!(check_new_password(&long, &long), Err(PasswordProblem::TooLong));
    }

    #[test]
    fn a_password_verifies_against_its_own_argon2id_hash_only() {
        let hash = hash_password("cheval agrafe pile correcte").expect("empreinte");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify_password("cheval agrafe pile correcte", &hash));
        assert!(!verify_password("cheval agrafe pile correct", &hash));
        assert!(!verify_password("cheval agrafe pile correcte", "pas une empreinte"));
        assert_ne!(hash, hash_password("cheval agrafe pile correcte").expect("empreinte"), "salted");
    }
}
