//! The one error type of the store, with French messages, and the translation of sqlx errors into it.

use std::path::PathBuf;

/// Everything that can go wrong in the store. Messages are French: they may reach a user.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database file could not be created or opened.
    #[error("impossible d'ouvrir la base de données {} : {message}", path.display())]
    Open {
        /// The file that was asked for.
        path: PathBuf,
        /// What the system or SQLite said.
        message: String,
    },
    /// Migrations could not be applied or reverted.
    #[error("mise à jour du schéma de la base impossible : {0}")]
    Migration(String),
    /// A value that must be unique is already taken.
    #[error("{0}")]
    Duplicate(Unique),
    /// The row to change or to refer to does not exist.
    #[error("{what} introuvable : {id}")]
    NotFound {
        /// What was looked for, in French (« formation », « utilisateur »…).
        what: &'static str,
        /// The id that was looked for.
        id: String,
    },
    /// A rule of the data was broken (checked before or by the database); the message says which.
    #[error("{0}")]
    Invalid(String),
    /// The label state of a programme was not the one the caller expected: someone changed it
    /// meanwhile, or the caller read an old state.
    #[error(
        "l'état du label de la formation {programme} a changé entre-temps : attendu « {expected} », trouvé « {found} »"
    )]
    StateChanged {
        /// The programme.
        programme: i64,
        /// The state the caller expected, in French.
        expected: &'static str,
        /// The state found in the database, in French.
        found: &'static str,
    },
    /// A row holds a value the store cannot read back (the database was edited by hand, or by
    /// a newer version of socle).
    #[error("valeur inattendue « {value} » dans la colonne {column} de la base")]
    Corrupt {
        /// `table.column`.
        column: &'static str,
        /// The value found.
        value: String,
    },
    /// Any other database failure (disk full, file locked for too long, I/O error…).
    #[error("erreur de la base de données ({context}) : {message}")]
    Database {
        /// What the store was doing, in French, without article (« création d'un compte »).
        context: &'static str,
        /// What SQLite said.
        message: String,
    },
}

/// The unique values the store protects, each with its French message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unique {
    /// Two users may not share an e-mail address (compared without case).
    UserEmail,
    /// Two organisations may not share a name (compared without case).
    OrganisationName,
    /// One organisation may not have two programmes with the same slug.
    ProgrammeSlug,
    /// Credential ids are unique.
    CredentialId,
    /// Session token hashes are unique.
    SessionToken,
}

impl std::fmt::Display for Unique {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Unique::UserEmail => "cette adresse électronique est déjà celle d'un autre compte",
            Unique::OrganisationName => "un organisme porte déjà ce nom",
            Unique::ProgrammeSlug => "cet organisme a déjà une formation avec cet identifiant",
            Unique::CredentialId => "un label a déjà été délivré avec cet identifiant",
            Unique::SessionToken => "cette session existe déjà",
        })
    }
}

/// Named CHECK constraints of the migrations and the French sentence for each.
const CHECKS: &[(&str, &str)] = &[
    ("organisation_name_not_blank", "le nom de l'organisme est vide"),
    ("organisation_kind_not_blank", "le type d'organisme est vide"),
    ("user_email_shape", "l'adresse électronique doit contenir un « @ » et aucune espace"),
    ("user_role_known", "le rôle doit être provider, reviewer ou admin"),
    (
        "user_provider_has_organisation",
        "un compte provider est rattaché à un organisme, et seulement un compte provider",
    ),
    ("user_password_hash_not_blank", "l'empreinte du mot de passe est vide"),
    ("session_expires_after_creation", "une session doit expirer après sa création"),
    (
        "programme_slug_format",
        "l'identifiant d'une formation commence par une lettre minuscule ou un chiffre et ne contient que a-z, 0-9, « - » et « _ »",
    ),
    ("programme_title_not_blank", "le titre de la formation est vide"),
    ("programme_diploma_not_blank", "le type de diplôme est vide"),
    ("programme_level_range", "le niveau RNCP d'une formation est compris entre 5 et 8"),
    ("programme_modalities_json", "les modalités doivent être une liste JSON"),
    ("programme_declaration_json", "la déclaration doit être un document JSON valide"),
    ("programme_report_json", "le rapport des critères doit être un document JSON valide"),
    ("programme_label_state_known", "état de label inconnu"),
    ("competence_level_range", "le niveau d'une compétence est compris entre 1 (N1) et 4 (N4)"),
    ("transition_states_known", "état de label inconnu dans une transition"),
    ("credential_validity_after_issue", "la fin de validité d'un label doit suivre sa délivrance"),
    ("credential_revocation_complete", "une révocation de label porte une date et un motif, ou ni l'un ni l'autre"),
];

/// Turns a sqlx error into a store error; `context` says in French what the store was doing.
pub(crate) fn database(context: &'static str) -> impl Fn(sqlx::Error) -> Error {
    move |error| translate(context, error)
}

fn translate(context: &'static str, error: sqlx::Error) -> Error {
    let sqlx::Error::Database(db_error) = &error else {
        return Error::Database { context, message: error.to_string() };
    };
    let message = db_error.message();
    match db_error.kind() {
        sqlx::error::ErrorKind::UniqueViolation => {
            // SQLite names the columns: "UNIQUE constraint failed: users.email".
            let unique = if message.contains("users.email") {
                Unique::UserEmail
            } else if message.contains("organisations.name") {
                Unique::OrganisationName
            } else if message.contains("programmes.slug") {
                Unique::ProgrammeSlug
            } else if message.contains("credentials.id") {
                Unique::CredentialId
            } else if message.contains("sessions.token_hash") {
                Unique::SessionToken
            } else {
                return Error::Database { context, message: message.to_owned() };
            };
            Error::Duplicate(unique)
        }
        sqlx::error::ErrorKind::CheckViolation => {
            // SQLite names the constraint: "CHECK constraint failed: user_role_known".
            let failed = message.rsplit(": ").next().unwrap_or_default();
            let sentence = CHECKS.iter().find(|(name, _)| *name == failed).map(|(_, sentence)| *sentence);
            Error::Invalid(match sentence {
                Some(sentence) => format!("{context} impossible : {sentence}"),
                None => format!("{context} impossible : une règle de la base n'est pas respectée ({message})"),
            })
        }
        sqlx::error::ErrorKind::ForeignKeyViolation => Error::Invalid(format!(
            "{context} impossible : l'élément lié (organisme, utilisateur ou formation) n'existe pas, ou d'autres données en dépendent encore"
        )),
        sqlx::error::ErrorKind::NotNullViolation => {
            Error::Invalid(format!("{context} impossible : une valeur obligatoire manque ({message})"))
        }
        _ => Error::Database { context, message: message.to_owned() },
    }
}

#[cfg(test)]
mod tests {
    use super::CHECKS;

    #[test]
    fn every_named_check_of_the_migrations_has_a_sentence_and_the_reverse() {
        let mut names_in_migrations = Vec::new();
        for migration in crate::MIGRATOR.iter().filter(|migration| migration.migration_type.is_up_migration()) {
            for piece in migration.sql.as_str().split("CONSTRAINT ").skip(1) {
                let name: String = piece.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if piece[name.len()..].trim_start().starts_with("CHECK") {
                    names_in_migrations.push(name);
                }
            }
        }
        // A table rebuilt by a later migration repeats its constraints.
        names_in_migrations.sort();
        names_in_migrations.dedup();
        let mut names_here: Vec<String> = CHECKS.iter().map(|(name, _)| name.to_string()).collect();
        names_here.sort();
        assert_eq!(names_in_migrations, names_here);
    }
}
