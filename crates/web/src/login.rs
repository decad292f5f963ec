//! Signing in and out, and the signed-in user's page: `/connexion`, `/deconnexion`, `/compte`
//! and its password change form.
//!
//! Login is slowed down from the store's login attempts: after [`MAX_FAILURES_PER_EMAIL`]
//! failures for one address, or [`MAX_FAILURES_PER_IP`] from one IP address, within
//! [`ATTEMPT_WINDOW_SECONDS`], the form answers 429 until the window has passed — whether or
//! not the account exists. Wrong address and wrong password get the same message and take the
//! same time (an unknown address is checked against a dummy hash).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use store::{LoginAttempt, NewSession};

use crate::auth::{self, SESSION_SECONDS};
use crate::forms::{Form, FormErrors};
use crate::session::{
    CurrentUser, FORM_COOKIE, LOGIN_PATH, RequestInfo, SESSION_COOKIE, clear_cookie, safe_return_path, set_cookie,
};
use crate::{AppError, AppState};

/// Failed logins for one e-mail address, within the window, after which login is suspended.
pub const MAX_FAILURES_PER_EMAIL: i64 = 5;

/// Failed logins from one IP address, within the window, after which login is suspended.
pub const MAX_FAILURES_PER_IP: i64 = 20;

/// The window over which failures are counted, in seconds (15 minutes).
pub const ATTEMPT_WINDOW_SECONDS: i64 = 15 * 60;

/// How long login attempts are kept, in seconds (a day): long after they stop counting.
const ATTEMPTS_KEPT_SECONDS: i64 = 24 * 60 * 60;

/// Where a user goes after login when the form names no page to come back to.
const DEFAULT_AFTER_LOGIN: &str = "/compte";

/// The action of the password change form.
pub const PASSWORD_PATH: &str = "/compte/mot-de-passe";

/// The login form's token and, when the visitor has no form cookie yet, the cookie to set.
fn anonymous_form(state: &AppState, info: &RequestInfo) -> Result<(String, Option<HeaderValue>), AppError> {
    let (nonce, cookie) = match &info.form_nonce {
        Some(nonce) => (nonce.clone(), None),
        None => {
            let nonce = auth::new_secret()?;
            let cookie = set_cookie(FORM_COOKIE, &nonce, None, info.secure);
            (nonce, Some(cookie))
        }
    };
    Ok((state.security.anonymous_form_token(&nonce, LOGIN_PATH), cookie))
}

#[derive(Template)]
#[template(path = "connexion.html")]
struct LoginPage {
    email: String,
    suite: String,
    token: String,
    errors: FormErrors,
    signed_in_as: Option<String>,
}

impl LoginPage {
    const CURRENT: &'static str = "connexion";
}

/// Renders the login page with `status`, setting the form cookie when needed.
fn login_page(
    state: &AppState,
    info: &RequestInfo,
    page: impl FnOnce(String) -> LoginPage,
    status: StatusCode,
) -> Result<Response, AppError> {
    let (token, cookie) = anonymous_form(state, info)?;
    let html = page(token).render()?;
    let mut response = (status, Html(html)).into_response();
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// Query of `/connexion`.
#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    /// The page to come back to after login.
    #[serde(default)]
    suite: String,
}

/// `GET /connexion`.
pub async fn login_form(
    State(state): State<AppState>,
    info: RequestInfo,
    current: Option<CurrentUser>,
    Query(query): Query<LoginQuery>,
) -> Result<Response, AppError> {
    let suite = safe_return_path(&query.suite).unwrap_or_default().to_owned();
    let signed_in_as = current.map(|current| current.user.email);
    login_page(
        &state,
        &info,
        |token| LoginPage { email: String::new(), suite, token, errors: FormErrors::default(), signed_in_as },
        StatusCode::OK,
    )
}

/// The login form's fields.
#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default, rename = "mot-de-passe")]
    password: String,
    #[serde(default)]
    suite: String,
}

/// Answers 429 when too many logins failed recently for this address or from this IP.
async fn check_rate_limit(state: &AppState, email: &str, ip: &str, now: i64) -> Result<(), AppError> {
    let since = now - ATTEMPT_WINDOW_SECONDS;
    let for_email = state.store.failed_logins_for_email(email, since).await?;
    let from_ip = state.store.failed_logins_from_ip(ip, since).await?;
    if for_email >= MAX_FAILURES_PER_EMAIL || from_ip >= MAX_FAILURES_PER_IP {
        // Every failure counted is younger than the window: after it, none is left.
        return Err(AppError::TooManyAttempts { retry_after_seconds: ATTEMPT_WINDOW_SECONDS.unsigned_abs() });
    }
    Ok(())
}

/// `POST /connexion`.
pub async fn login(
    State(state): State<AppState>,
    info: RequestInfo,
    current: Option<CurrentUser>,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let email = form.email.trim().to_lowercase();
    let suite = safe_return_path(&form.suite).unwrap_or_default().to_owned();
    let mut errors = FormErrors::default();
    if email.is_empty() {
        errors.add("email", "Saisissez l'adresse électronique de votre compte.");
    }
    if form.password.is_empty() {
        errors.add("mot-de-passe", "Saisissez votre mot de passe.");
    }
    let now = store::unix_now();
    if errors.is_empty() {
        check_rate_limit(&state, &email, &info.client_ip, now).await?;
        let account = state.store.user_by_email(&email).await?;
        let password_hash = account.as_ref().map(|account| account.password_hash.clone());
        let password_matches = state.security.check_password(form.password, password_hash).await?;
        let account = account.filter(|account| password_matches && !account.disabled);
        let attempt =
            LoginAttempt { email: email.clone(), ip: info.client_ip.clone(), at: now, success: account.is_some() };
        state.store.record_login_attempt(&attempt).await?;
        if let Some(account) = account {
            return open_session(&state, &info, current, account, now, &suite).await;
        }
        errors.add(
            "email",
            "Adresse électronique ou mot de passe incorrect. Vérifiez les deux puis réessayez ; \
             après plusieurs échecs, la connexion est suspendue quelques minutes.",
        );
    }
    let signed_in_as = None;
    login_page(
        &state,
        &info,
        |token| LoginPage { email: form.email.trim().to_owned(), suite, token, errors, signed_in_as },
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

/// Opens a fresh session for `account` (a new token, never the one the browser had) and sends
/// the user on.
async fn open_session(
    state: &AppState,
    info: &RequestInfo,
    previous: Option<CurrentUser>,
    account: store::User,
    now: i64,
    suite: &str,
) -> Result<Response, AppError> {
    if let Some(previous) = previous {
        state.store.delete_session(&previous.session.token_hash).await?;
    }
    let token = auth::new_secret()?;
    let session = NewSession {
        token_hash: auth::session_token_hash(&token),
        user_id: account.id,
        csrf_secret: auth::new_secret()?,
        created_at: now,
        expires_at: now + SESSION_SECONDS,
    };
    state.store.create_session(&session).await?;
    // Housekeeping while we are here: expired sessions and old attempts serve no one.
    state.store.delete_expired_sessions(now).await?;
    state.store.delete_login_attempts_before(now - ATTEMPTS_KEPT_SECONDS).await?;
    tracing::info!(compte = %account.id, "connexion");
    let destination = if suite.is_empty() { DEFAULT_AFTER_LOGIN } else { suite };
    let mut response = Redirect::to(destination).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &token, Some(SESSION_SECONDS), info.secure));
    Ok(response)
}

/// `POST /deconnexion`: ends the session and sends the visitor home.
pub async fn logout(
    State(state): State<AppState>,
    info: RequestInfo,
    current: Option<CurrentUser>,
) -> Result<Response, AppError> {
    if let Some(current) = current {
        state.store.delete_session(&current.session.token_hash).await?;
        tracing::info!(compte = %current.user.id, "déconnexion");
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(header::SET_COOKIE, clear_cookie(SESSION_COOKIE, info.secure));
    Ok(response)
}

#[derive(Template)]
#[template(path = "compte.html")]
struct AccountPage {
    email: String,
    role: &'static str,
    role_code: &'static str,
    organisation: Option<String>,
    expires_at: String,
    password_changed: bool,
    token: String,
    errors: FormErrors,
}

impl AccountPage {
    const CURRENT: &'static str = "compte";
}

/// Query of `/compte`.
#[derive(Debug, Default, Deserialize)]
pub struct AccountQuery {
    /// `change` after a successful password change.
    #[serde(default)]
    mot_de_passe: String,
}

/// A Unix time as `AAAA-MM-JJ HH:MM UTC`, for pages.
pub fn format_utc(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let seconds_of_day = unix_seconds.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02} UTC", seconds_of_day / 3600, seconds_of_day % 3600 / 60)
}

async fn account_page(
    state: &AppState,
    current: &CurrentUser,
    password_changed: bool,
    errors: FormErrors,
) -> Result<AccountPage, AppError> {
    let organisation = match current.user.organisation_id {
        Some(id) => state.store.organisation(id).await?.map(|organisation| organisation.name),
        None => None,
    };
    Ok(AccountPage {
        email: current.user.email.clone(),
        role: current.user.role.label(),
        role_code: current.user.role.code(),
        organisation,
        expires_at: format_utc(current.session.expires_at),
        password_changed,
        token: current.form_token(PASSWORD_PATH),
        errors,
    })
}

/// `GET /compte`: the signed-in user's account.
pub async fn account(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<AccountQuery>,
) -> Result<Response, AppError> {
    let page = account_page(&state, &current, query.mot_de_passe == "change", FormErrors::default()).await?;
    Ok(Html(page.render()?).into_response())
}

/// The password change form's fields.
#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    actuel: String,
    #[serde(default)]
    nouveau: String,
    #[serde(default)]
    confirmation: String,
}

/// `POST /compte/mot-de-passe`: checks the current password, sets the new one, and ends every
/// other session of the user.
pub async fn change_password(
    State(state): State<AppState>,
    info: RequestInfo,
    current: CurrentUser,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    if form.actuel.is_empty() {
        errors.add("actuel", "Saisissez votre mot de passe actuel.");
    }
    if let Err(problem) = auth::check_new_password(&form.nouveau, &form.confirmation) {
        errors.add(if problem.is_about_confirmation() { "confirmation" } else { "nouveau" }, problem.to_string());
    } else if form.nouveau == form.actuel {
        errors.add("nouveau", "Le nouveau mot de passe doit être différent de l'actuel.");
    }
    if errors.is_empty() {
        let now = store::unix_now();
        // Guessing the current password from a stolen session is slowed down like a login.
        check_rate_limit(&state, &current.user.email, &info.client_ip, now).await?;
        let matches = state.security.check_password(form.actuel, Some(current.user.password_hash.clone())).await?;
        if matches {
            let hash = state.security.hash_password(form.nouveau).await?;
            state.store.set_password_hash(current.user.id, &hash, Some(&current.session.token_hash)).await?;
            tracing::info!(compte = %current.user.id, "mot de passe changé");
            return Ok(Redirect::to("/compte?mot_de_passe=change").into_response());
        }
        let attempt =
            LoginAttempt { email: current.user.email.clone(), ip: info.client_ip.clone(), at: now, success: false };
        state.store.record_login_attempt(&attempt).await?;
        errors.add(
            "actuel",
            "Le mot de passe actuel est incorrect : saisissez celui avec lequel vous vous êtes connecté.",
        );
    }
    let page = account_page(&state, &current, false, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}

#[cfg(test)]
mod tests {
    use super::format_utc;

    #[test]
    fn unix_times_are_written_as_utc_dates() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_utc(951_827_696), "2000-02-29 12:34 UTC");
        assert_eq!(format_utc(1_790_000_000), "2026-09-21 14:13 UTC");
    }
}
