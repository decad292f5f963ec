//! The registry's Ed25519 signing key: created once in the data folder, never replaced, and its
//! public half in the forms others use to find it (JWK with an RFC 7638 thumbprint, `did:key`).

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{self, Ed25519KeyPair, KeyPair};
use serde_json::{Value, json};

use super::encoding::{base58btc, base64url, from_base64url};

/// Folder of the data directory that holds the registry's keys.
pub const KEY_DIR: &str = "cles";

/// File name of the signing key inside [`KEY_DIR`]: an Ed25519 private key, PKCS#8 DER.
pub const KEY_FILE: &str = "registre-ed25519.pk8";

/// The multicodec prefix of an Ed25519 public key (`ed25519-pub`, 0xed as an unsigned varint).
const ED25519_MULTICODEC: [u8; 2] = [0xed, 0x01];

/// Why the signing key cannot be read or created. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key file exists but cannot be read.
    #[error("lecture de la clé de signature du registre {} impossible : {}", .path.display(), io_fr(.source))]
    Read {
        /// The key file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The key file was read but is not an Ed25519 key; it is left as it is.
    #[error(
        "le fichier {} n'est pas une clé de signature lisible (attendu : une clé privée Ed25519 au format PKCS#8 DER, \
         telle que socle la crée). Il n'a pas été remplacé : restaurez-le depuis une sauvegarde, ou déplacez-le pour \
         que socle crée une nouvelle clé — les labels déjà délivrés ne pourraient alors plus être vérifiés",
        .path.display()
    )]
    Corrupt {
        /// The key file.
        path: PathBuf,
    },
    /// The key folder or file cannot be written.
    #[error("création de la clé de signature du registre {} impossible : {}", .path.display(), io_fr(.source))]
    Create {
        /// The file or folder being created.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The system's random generator failed.
    #[error("le générateur aléatoire du système a échoué : impossible de créer la clé {}", .path.display())]
    Random {
        /// The key file that was to be created.
        path: PathBuf,
    },
}

/// A short French reading of an I/O error.
pub(crate) fn io_fr(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "fichier ou dossier introuvable".to_owned(),
        io::ErrorKind::PermissionDenied => "accès refusé".to_owned(),
        io::ErrorKind::IsADirectory => "c'est un dossier, pas un fichier".to_owned(),
        io::ErrorKind::NotADirectory => "un élément du chemin n'est pas un dossier".to_owned(),
        io::ErrorKind::StorageFull => "disque plein".to_owned(),
        io::ErrorKind::ReadOnlyFilesystem => "système de fichiers en lecture seule".to_owned(),
        _ => format!("erreur système ({err})"),
    }
}

/// Whether [`SigningKey::load_or_create`] found the key or made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    /// The key file was there and was read.
    Loaded,
    /// There was no key file: a new key was generated and written.
    Created,
}

/// The registry's private signing key. Its `Debug` shows the public key only.
pub struct SigningKey {
    pair: Ed25519KeyPair,
    public: PublicKey,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey").field("public", &self.public).finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Where the key of a data folder lives: `<data_dir>/cles/registre-ed25519.pk8`.
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(KEY_DIR).join(KEY_FILE)
    }

    /// Reads the data folder's key; `Ok(None)` when there is none yet. Never writes anything.
    pub fn load(data_dir: &Path) -> Result<Option<SigningKey>, KeyError> {
        let path = SigningKey::path(data_dir);
        match fs::read(&path) {
            Ok(bytes) => SigningKey::from_pkcs8(&bytes).map(Some).ok_or(KeyError::Corrupt { path }),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(KeyError::Read { path, source }),
        }
    }

    /// Reads the data folder's key, or generates one when there is none. A new key is written
    /// with mode 0600 in a `cles` folder with mode 0700; an existing file is never overwritten
    /// (a corrupt one is an error, and is left for the administrator to restore). Two processes
    /// starting together end up with the same key: the file appears whole or not at all.
    pub fn load_or_create(data_dir: &Path) -> Result<(SigningKey, KeyStatus), KeyError> {
        if let Some(key) = SigningKey::load(data_dir)? {
            return Ok((key, KeyStatus::Loaded));
        }
        let path = SigningKey::path(data_dir);
        let random = SystemRandom::new();
        let document = Ed25519KeyPair::generate_pkcs8(&random).map_err(|_| KeyError::Random { path: path.clone() })?;
        let dir = data_dir.join(KEY_DIR);
        create_private_dir(&dir)?;
        let mut suffix = [0_u8; 8];
        random.fill(&mut suffix).map_err(|_| KeyError::Random { path: path.clone() })?;
        let temporary = dir.join(format!(".{KEY_FILE}.{}.tmp", base64url(&suffix)));
        write_private_file(&temporary, document.as_ref())?;
        // A hard link never replaces an existing file: if another process created the key in the
        // meantime, its key wins and this one is dropped.
        let linked = fs::hard_link(&temporary, &path);
        let _ = fs::remove_file(&temporary);
        match linked {
            Ok(()) => {
                sync_dir(&dir)?;
                let key = SigningKey::from_pkcs8(document.as_ref()).ok_or(KeyError::Corrupt { path })?;
                Ok((key, KeyStatus::Created))
            }
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
                let key = SigningKey::load(data_dir)?.ok_or_else(|| KeyError::Read {
                    path: path.clone(),
                    source: io::Error::from(io::ErrorKind::NotFound),
                })?;
                Ok((key, KeyStatus::Loaded))
            }
            Err(source) => Err(KeyError::Create { path, source }),
        }
    }

    /// A key from PKCS#8 DER bytes (v2 as ring writes it, or v1 as OpenSSL does).
    fn from_pkcs8(bytes: &[u8]) -> Option<SigningKey> {
        let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(bytes).ok()?;
        let public = PublicKey::from_slice(pair.public_key().as_ref())?;
        Some(SigningKey { pair, public })
    }

    /// A key from its 32-byte seed (RFC 8032 private key), for known-answer tests.
    #[cfg(test)]
    pub(crate) fn from_seed(seed: &[u8]) -> Option<SigningKey> {
        let pair = Ed25519KeyPair::from_seed_unchecked(seed).ok()?;
        let public = PublicKey::from_slice(pair.public_key().as_ref())?;
        Some(SigningKey { pair, public })
    }

    /// The public half.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The Ed25519 signature of a message.
    pub(crate) fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.pair.sign(message).as_ref().to_vec()
    }
}

/// Creates the key folder (and the data folder above it) with mode 0700 for the key folder.
fn create_private_dir(dir: &Path) -> Result<(), KeyError> {
    let create = |source| KeyError::Create { path: dir.to_owned(), source };
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(create)?;
    // The folder may have existed, or the umask may have narrowed the mode: set it exactly.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(create)?;
    }
    Ok(())
}

/// Writes a new file readable by its owner only, and flushes it to disk.
fn write_private_file(path: &Path, bytes: &[u8]) -> Result<(), KeyError> {
    let create = |source| KeyError::Create { path: path.to_owned(), source };
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(create)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600)).map_err(create)?;
    }
    file.write_all(bytes).map_err(create)?;
    file.sync_all().map_err(create)
}

/// Makes a new directory entry durable.
fn sync_dir(dir: &Path) -> Result<(), KeyError> {
    #[cfg(unix)]
    fs::File::open(dir)
        .and_then(|folder| folder.sync_all())
        .map_err(|source| KeyError::Create { path: dir.to_owned(), source })?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// An Ed25519 public key (32 bytes) and the names it goes by.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey {
    bytes: [u8; 32],
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.did())
    }
}

impl PublicKey {
    /// The key of 32 raw bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> PublicKey {
        PublicKey { bytes }
    }

    fn from_slice(bytes: &[u8]) -> Option<PublicKey> {
        Some(PublicKey { bytes: bytes.try_into().ok()? })
    }

    /// The key of a public JWK (`kty` OKP, `crv` Ed25519, `x`); `None` for anything else,
    /// including a JWK that carries a private part (`d`).
    pub fn from_jwk(jwk: &Value) -> Option<PublicKey> {
        let ok = jwk.get("kty")?.as_str()? == "OKP" && jwk.get("crv")?.as_str()? == "Ed25519" && jwk.get("d").is_none();
        if !ok {
            return None;
        }
        PublicKey::from_slice(&from_base64url(jwk.get("x")?.as_str()?)?)
    }

    /// The 32 raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// The `did:key` of the key (`did:key:z6Mk…`): the issuer id of the registry's credentials.
    /// It is the key itself, written as a multibase (base58btc) multicodec value, so anyone can
    /// read the key back from it without fetching anything.
    pub fn did(&self) -> String {
        format!("did:key:{}", self.multibase())
    }

    /// The DID URL of the key's verification method (`did:key:z6Mk…#z6Mk…`): the `kid` of the
    /// registry's VC-JWTs.
    pub fn verification_method(&self) -> String {
        format!("{}#{}", self.did(), self.multibase())
    }

    fn multibase(&self) -> String {
        let mut prefixed = ED25519_MULTICODEC.to_vec();
        prefixed.extend_from_slice(&self.bytes);
        format!("z{}", base58btc(&prefixed))
    }

    /// The RFC 7638 thumbprint: base64url of the SHA-256 of `{"crv":"Ed25519","kty":"OKP","x":…}`
    /// (required members only, sorted, no spaces). Stable for the life of the key.
    pub fn thumbprint(&self) -> String {
        let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, base64url(&self.bytes));
        base64url(ring::digest::digest(&ring::digest::SHA256, canonical.as_bytes()).as_ref())
    }

    /// The public JWK (RFC 8037), `kid` being the thumbprint.
    pub fn jwk(&self) -> Value {
        json!({
            "kty": "OKP",
            "crv": "Ed25519",
            "x": base64url(&self.bytes),
            "kid": self.thumbprint(),
            "alg": "EdDSA",
            "use": "sig",
        })
    }

    /// Whether `signature` is this key's Ed25519 signature of `message`.
    pub(crate) fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        signature::UnparsedPublicKey::new(&signature::ED25519, &self.bytes).verify(message, signature).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len()).step_by(2).map(|idx| u8::from_str_radix(&text[idx..idx + 2], 16).expect("hex")).collect()
    }

    #[test]
    fn rfc_8037_key_thumbprint_and_signature() {
        // RFC 8037, appendix A.1 to A.4.
        let seed = from_base64url("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A").expect("d");
        let key = SigningKey::from_seed(&seed).expect("clé");
        assert_eq!(base64url(key.public_key().as_bytes()), "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
        assert_eq!(key.public_key().thumbprint(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
        let input = b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
        let signature = key.sign(input);
        assert_eq!(
            base64url(&signature),
            "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
        );
        assert!(key.public_key().verifies(input, &signature));
        assert!(!key.public_key().verifies(b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmd", &signature));
    }

    #[test]
    fn did_key_test_vectors() {
        // Test vectors of the did:key method (w3c-ccg/did-method-key, ed25519-x25519.json).
        for (seed, did) in [
            (
                "0000000000000000000000000000000000000000000000000000000000000000",
                "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
            ),
            (
                "0000000000000000000000000000000000000000000000000000000000000001",
                "z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG",
            ),
            (
                "0000000000000000000000000000000000000000000000000000000000000004",
                "z6MkwW6aqMnjgrhJXFUko3NnZPGzVpkNzhYK7yEhnsibmLwL",
            ),
        ] {
            let key = SigningKey::from_seed(&hex(seed)).expect("clé");
            assert_eq!(key.public_key().did(), format!("did:key:{did}"));
            assert_eq!(key.public_key().verification_method(), format!("did:key:{did}#{did}"));
        }
    }

    #[test]
    fn jwk_round_trips_and_refuses_private_or_foreign_keys() {
        let key = SigningKey::from_seed(&[7; 32]).expect("clé");
        let jwk = key.public_key().jwk();
        assert_eq!(PublicKey::from_jwk(&jwk), Some(*key.public_key()));
        let mut private = jwk.clone();
        private["d"] = json!("AAAA");
        assert_eq!(PublicKey::from_jwk(&private), None);
        let mut other_curve = jwk.clone();
        other_curve["crv"] = json!("X25519");
        assert_eq!(PublicKey::from_jwk(&other_curve), None);
        let mut short = jwk;
        short["x"] = json!("AAAA");
        assert_eq!(PublicKey::from_jwk(&short), None);
    }
}
