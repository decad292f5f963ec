//! `/admin/utilisateurs`: the administrators' page of accounts — list them, create one with its
//! role and organisation, disable or enable one. Every handler takes an [`Admin`].

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use store::{Role, UserId};

use crate::accounts::{AccountField, CreateAccountError, NewAccount, create_account, problems_of};
use crate::forms::{Form, FormErrors};
use crate::login::format_utc;
use crate::session::{Admin, CurrentUser};
use crate::{AppError, AppState, auth};

/// The page's own address, also the action of the creation form.
pub const USERS_PATH: &str = "/admin/utilisateurs";

/// One account as the table shows it.
struct UserRow {
    email: String,
    role: &'static str,
    organisation: String,
    created_at: String,
    disabled: bool,
    is_self: bool,
    /// The action that toggles the account (disable or enable) and its CSRF token.
    toggle_path: String,
    toggle_token: String,
}

/// What the creation form shows back after a refusal.
#[derive(Debug, Default, Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisme: String,
    #[serde(default, rename = "mot-de-passe")]
    password: String,
    #[serde(default)]
    confirmation: String,
}

#[derive(Template)]
#[template(path = "admin-utilisateurs.html")]
struct UsersPage {
    rows: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str)>,
    form: CreateForm,
    token: String,
    errors: FormErrors,
    notice: Option<String>,
}

impl UsersPage {
    const CURRENT: &'static str = "admin";
}

/// Query of `/admin/utilisateurs`: what the last action did.
#[derive(Debug, Default, Deserialize)]
pub struct UsersQuery {
    #[serde(default)]
    cree: Option<String>,
    #[serde(default)]
    desactive: Option<String>,
    #[serde(default)]
    reactive: Option<String>,
}

async fn users_page(
    state: &AppState,
    admin: &CurrentUser,
    form: CreateForm,
    errors: FormErrors,
    notice: Option<String>,
) -> Result<UsersPage, AppError> {
    let organisations: HashMap<_, _> = state
        .store
        .organisations()
        .await?
        .into_iter()
        .map(|organisation| (organisation.id, organisation.name))
        .collect();
    let rows = state
        .store
        .users()
        .await?
        .into_iter()
        .map(|user| {
            let toggle_path =
                format!("{USERS_PATH}/{}/{}", user.id, if user.disabled { "reactiver" } else { "desactiver" });
            UserRow {
                role: user.role.label(),
                organisation: user
                    .organisation_id
                    .and_then(|id| organisations.get(&id).cloned())
                    .unwrap_or_else(|| "—".to_owned()),
                created_at: format_utc(user.created_at),
                disabled: user.disabled,
                is_self: user.id == admin.user.id,
                toggle_token: admin.form_token(&toggle_path),
                toggle_path,
                email: user.email,
            }
        })
        .collect();
    Ok(UsersPage {
        rows,
        roles: Role::ALL.iter().map(|role| (role.code(), role.label())).collect(),
        form,
        token: admin.form_token(USERS_PATH),
        errors,
        notice,
    })
}

/// The email of account `id`, for notices (`None` when the id is not an account).
async fn email_of(state: &AppState, id: Option<&str>) -> Result<Option<String>, AppError> {
    let Some(id) = id.and_then(|id| id.parse::<i64>().ok()) else { return Ok(None) };
    Ok(state.store.user(UserId(id)).await?.map(|user| user.email))
}

/// `GET /admin/utilisateurs`.
pub async fn users(
    State(state): State<AppState>,
    admin: Admin,
    Query(query): Query<UsersQuery>,
) -> Result<Response, AppError> {
    let notice = if let Some(email) = email_of(&state, query.cree.as_deref()).await? {
        Some(format!(
            "Compte créé : {email}. Transmettez-lui son mot de passe provisoire par un canal sûr ; il pourra le changer depuis « Mon compte »."
        ))
    } else if let Some(email) = email_of(&state, query.desactive.as_deref()).await? {
        Some(format!("Compte désactivé : {email}. Ses sessions ont été fermées et il ne peut plus se connecter."))
    } else {
        email_of(&state, query.reactive.as_deref()).await?.map(|email| format!("Compte réactivé : {email}."))
    };
    let page = users_page(&state, &admin.user, CreateForm::default(), FormErrors::default(), notice).await?;
    Ok(Html(page.render()?).into_response())
}

/// `POST /admin/utilisateurs`: creates an account.
pub async fn create_user(
    State(state): State<AppState>,
    admin: Admin,
    Form(form): Form<CreateForm>,
) -> Result<Response, AppError> {
    let new =
        NewAccount { email: form.email.clone(), role: form.role.clone(), organisation: Some(form.organisme.clone()) };
    let mut problems = problems_of(&state.store, &new).await?;
    let password_problem = auth::check_new_password(&form.password, &form.confirmation).err();
    if problems.is_empty() && password_problem.is_none() {
        let hash = state.security.hash_password(form.password.clone()).await?;
        match create_account(&state.store, &new, &hash, store::unix_now()).await {
            Ok(created) => {
                tracing::info!(admin = %admin.user.user.id, compte = %created.user.id, "compte créé");
                return Ok(Redirect::to(&format!("{USERS_PATH}?cree={}", created.user.id)).into_response());
            }
            Err(CreateAccountError::Invalid(found)) => problems = found,
            Err(CreateAccountError::Store(error)) => return Err(AppError::Store(error)),
        }
    }
    let mut errors = FormErrors::default();
    for problem in problems {
        let field = match problem.field {
            AccountField::Email => "email",
            AccountField::Role => "role",
            AccountField::Organisation => "organisme",
        };
        errors.add(field, problem.message);
    }
    if let Some(problem) = password_problem {
        errors.add(if problem.is_about_confirmation() { "confirmation" } else { "mot-de-passe" }, problem.to_string());
    }
    let form = CreateForm { password: String::new(), confirmation: String::new(), ..form };
    let page = users_page(&state, &admin.user, form, errors, None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}

/// Parses the id of an account in a path, or says it does not exist.
async fn target_user(state: &AppState, id: &str) -> Result<store::User, AppError> {
    let not_found =
        || AppError::NotFound(format!("Le compte n° {id} n'existe pas. La liste des comptes est sur {USERS_PATH}."));
    let id = id.parse::<i64>().map_err(|_| not_found())?;
    state.store.user(UserId(id)).await?.ok_or_else(not_found)
}

/// `POST /admin/utilisateurs/{id}/desactiver`: disables an account and ends its sessions.
pub async fn disable_user(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let target = target_user(&state, &id).await?;
    if target.id == admin.user.user.id {
        return Err(AppError::BadRequest(
            "Vous ne pouvez pas désactiver votre propre compte : demandez-le à un autre administrateur.".to_owned(),
        ));
    }
    state.store.set_user_disabled(target.id, true).await?;
    tracing::info!(admin = %admin.user.user.id, compte = %target.id, "compte désactivé");
    Ok(Redirect::to(&format!("{USERS_PATH}?desactive={}", target.id)).into_response())
}

/// `POST /admin/utilisateurs/{id}/reactiver`: enables a disabled account again.
pub async fn enable_user(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let target = target_user(&state, &id).await?;
    state.store.set_user_disabled(target.id, false).await?;
    tracing::info!(admin = %admin.user.user.id, compte = %target.id, "compte réactivé");
    Ok(Redirect::to(&format!("{USERS_PATH}?reactive={}", target.id)).into_response())
}
