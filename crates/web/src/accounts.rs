//! Creating accounts, shared by the admin page and `socle admin create-user`: checks of the
//! e-mail address, role and organisation (every problem at once, in French), then the
//! organisation (created when it does not exist yet) and the user.

use store::{NewOrganisation, NewUser, Organisation, Role, Store, User};

use crate::auth::UNSPECIFIED_ORGANISATION_KIND;

/// Longest e-mail address accepted (RFC 5321's limit on a path).
const MAX_EMAIL_CHARS: usize = 254;

/// Longest organisation name accepted.
const MAX_ORGANISATION_CHARS: usize = 200;

/// The field of an account that a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountField {
    /// The e-mail address.
    Email,
    /// The role.
    Role,
    /// The organisation.
    Organisation,
}

/// One problem of a new account, in French.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountProblem {
    /// The field it is about.
    pub field: AccountField,
    /// What is wrong and what is accepted.
    pub message: String,
}

/// What an account is created from (the password is hashed by the caller).
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// The e-mail address, as typed.
    pub email: String,
    /// The role, as typed (`provider`, `reviewer` or `admin`).
    pub role: String,
    /// The organisation's name, as typed (empty or `None` for none).
    pub organisation: Option<String>,
}

/// The account created, with its organisation and whether that organisation was created too.
#[derive(Debug, Clone)]
pub struct CreatedAccount {
    /// The user.
    pub user: User,
    /// The organisation of a provider, and `true` when it was created with the account.
    pub organisation: Option<(Organisation, bool)>,
}

/// Why an account was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreateAccountError {
    /// The input is not acceptable: every problem, in French.
    #[error("{}", .0.iter().map(|problem| problem.message.as_str()).collect::<Vec<_>>().join(" "))]
    Invalid(Vec<AccountProblem>),
    /// The database failed.
    #[error("{0}")]
    Store(#[from] store::Error),
}

/// Whether `email` looks like an e-mail address: one `@` between non-empty parts, a dot in the
/// domain, no space, at most 254 characters.
pub fn email_is_plausible(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && email.chars().count() <= MAX_EMAIL_CHARS
        && !email.chars().any(|character| character.is_whitespace() || character.is_control())
}

/// Checks a new account's fields; returns the parsed role and trimmed organisation name when
/// they are acceptable, with every problem found.
fn check(new: &NewAccount) -> (Option<Role>, Option<String>, Vec<AccountProblem>) {
    let mut problems = Vec::new();
    let email = new.email.trim();
    if email.is_empty() {
        problems.push(AccountProblem {
            field: AccountField::Email,
            message: "L'adresse électronique manque : saisissez-en une, de la forme nom@domaine.fr.".to_owned(),
        });
    } else if !email_is_plausible(email) {
        problems.push(AccountProblem {
            field: AccountField::Email,
            message: format!(
                "L'adresse électronique « {email} » n'est pas valide : attendu une adresse de la forme nom@domaine.fr, \
                 sans espace, d'au plus {MAX_EMAIL_CHARS} caractères."
            ),
        });
    }
    let role = Role::from_code(new.role.trim());
    if role.is_none() {
        problems.push(AccountProblem {
            field: AccountField::Role,
            message: format!(
                "Le rôle « {} » n'existe pas. Rôles acceptés : provider (organisme de formation), reviewer \
                 (évaluateur), admin (administrateur).",
                new.role.trim()
            ),
        });
    }
    let organisation = new.organisation.as_deref().map(str::trim).filter(|name| !name.is_empty());
    match (role, organisation) {
        (Some(Role::Provider), None) => problems.push(AccountProblem {
            field: AccountField::Organisation,
            message: "Un compte d'organisme de formation (provider) agit pour un organisme : indiquez son nom \
                      (il est créé s'il n'existe pas encore)."
                .to_owned(),
        }),
        (Some(role @ (Role::Reviewer | Role::Admin)), Some(_)) => problems.push(AccountProblem {
            field: AccountField::Organisation,
            message: format!(
                "Un compte {} ({}) n'est rattaché à aucun organisme : laissez l'organisme vide. Seuls les comptes \
                 provider en ont un.",
                role.code(),
                role.label()
            ),
        }),
        (_, Some(name)) if name.chars().count() > MAX_ORGANISATION_CHARS => problems.push(AccountProblem {
            field: AccountField::Organisation,
            message: format!("Le nom de l'organisme dépasse {MAX_ORGANISATION_CHARS} caractères : raccourcissez-le."),
        }),
        _ => {}
    }
    (role, organisation.map(str::to_owned), problems)
}

/// Every problem of `new`, with the database's view: an e-mail address already taken is one.
pub async fn problems_of(store: &Store, new: &NewAccount) -> Result<Vec<AccountProblem>, store::Error> {
    let (_, _, mut problems) = check(new);
    let email = new.email.trim();
    if problems.iter().all(|problem| problem.field != AccountField::Email)
        && store.user_by_email(email).await?.is_some()
    {
        problems.push(taken(email));
    }
    Ok(problems)
}

fn taken(email: &str) -> AccountProblem {
    AccountProblem {
        field: AccountField::Email,
        message: format!(
            "Un compte existe déjà avec l'adresse « {} » : choisissez-en une autre.",
            email.to_lowercase()
        ),
    }
}

/// Creates an account: checks every field, refuses an e-mail address already taken, finds or
/// creates the provider's organisation, then the user with `password_hash` (made by
/// [`crate::auth::hash_password`]), stamped `now` (Unix seconds).
pub async fn create_account(
    store: &Store,
    new: &NewAccount,
    password_hash: &str,
    now: i64,
) -> Result<CreatedAccount, CreateAccountError> {
    let problems = problems_of(store, new).await?;
    let (role, organisation_name, _) = check(new);
    let email = new.email.trim();
    let Some(role) = role.filter(|_| problems.is_empty()) else {
        return Err(CreateAccountError::Invalid(problems));
    };
    let organisation = match organisation_name {
        Some(name) => Some(match store.organisation_by_name(&name).await? {
            Some(existing) => (existing, false),
            None => {
                let new_organisation =
                    NewOrganisation { name, kind: UNSPECIFIED_ORGANISATION_KIND.to_owned(), created_at: now };
                (store.create_organisation(&new_organisation).await?, true)
            }
        }),
        None => None,
    };
    let new_user = NewUser {
        email: email.to_owned(),
        role,
        organisation_id: organisation.as_ref().map(|(organisation, _)| organisation.id),
        password_hash: password_hash.to_owned(),
        created_at: now,
    };
    let user = store.create_user(&new_user).await.map_err(|error| match error {
        // Another request took the address between the check and the insert.
        store::Error::Duplicate(store::Unique::UserEmail) => CreateAccountError::Invalid(vec![taken(email)]),
        other => CreateAccountError::Store(other),
    })?;
    Ok(CreatedAccount { user, organisation })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausible_email_addresses() {
        for accepted in ["a@b.fr", "prenom.nom+socle@universite-exemple.fr"] {
            assert!(email_is_plausible(accepted), "{accepted}");
        }
        for refused in ["", "a", "a@b", "@b.fr", "a@.fr", "a@b.", "a b@c.fr", "a@b@c.fr", "a@b.fr\n"] {
            assert!(!email_is_plausible(refused), "{refused:?}");
        }
    }

    #[test]
    fn every_problem_of_a_new_account_is_reported_at_once() {
        let new = NewAccount { email: "pas-une-adresse".to_owned(), role: "chef".to_owned(), organisation: None };
        let (_, _, problems) = check(&new);
        let fields: Vec<AccountField> = problems.iter().map(|problem| problem.field).collect();
        assert_eq!(fields, [AccountField::Email, AccountField::Role]);
        assert!(problems[1].message.contains("provider (organisme de formation), reviewer"));
        let provider =
            NewAccount { email: "a@b.fr".to_owned(), role: "provider".to_owned(), organisation: Some(" ".to_owned()) };
        assert_eq!(check(&provider).2[0].field, AccountField::Organisation);
        let reviewer =
            NewAccount { email: "a@b.fr".to_owned(), role: "reviewer".to_owned(), organisation: Some("X".to_owned()) };
        assert!(check(&reviewer).2[0].message.contains("laissez l'organisme vide"));
    }
}
