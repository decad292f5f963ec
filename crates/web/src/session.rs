//! Who is asking, and may they: the session middleware (session cookie, CSRF and origin checks
//! of every state-changing request), the extractors handlers use ([`CurrentUser`],
//! [`WithRole`]), and the one table of permissions ([`allows`]).
//!
//! The middleware runs before every handler. It reads the `socle_session` cookie, finds the
//! session in the store, and puts the [`CurrentUser`] in the request's extensions and the
//! [`Viewer`] (what the page header shows) in a task-local that templates read. For POST, PUT,
//! PATCH and DELETE it then refuses, with a French 403 page and before any handler runs, a
//! request that comes from another site (`Sec-Fetch-Site`, `Origin`) or that lacks the CSRF
//! token of its form.

use std::marker::PhantomData;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, OptionalFromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use store::{OrganisationId, Role};

use crate::auth;
use crate::{AppError, AppState};

/// The cookie that holds the session token.
pub const SESSION_COOKIE: &str = "socle_session";

/// The cookie that holds the nonce of anonymous forms (signed double-submit cookie).
pub const FORM_COOKIE: &str = "socle_formulaire";

/// The name of the hidden field (or the header `x-csrf-token`) that carries a form's CSRF token.
pub const CSRF_FIELD: &str = "csrf";

/// The login form's action: the one state-changing route an anonymous visitor may post to.
pub const LOGIN_PATH: &str = "/connexion";

/// The logout form's action.
pub const LOGOUT_PATH: &str = "/deconnexion";

/// Largest form body the middleware reads to find the CSRF token (4 MiB; declarations uploaded
/// later fit in it).
const MAX_FORM_BYTES: usize = 4 * 1024 * 1024;

/// The signed-in user of a request, with the session it came with.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// The account.
    pub user: store::User,
    /// The session (its token hash and CSRF secret).
    pub session: store::Session,
}

impl CurrentUser {
    /// The CSRF token of the form posting to `action_path`, for this session.
    pub fn form_token(&self, action_path: &str) -> String {
        auth::form_token(&self.session.csrf_secret, action_path)
    }

    /// Whether this user may do `permission`.
    pub fn may(&self, permission: Permission) -> bool {
        allows(&self.user, permission)
    }

    /// `Ok` when this user may do `permission`, else a French 403 naming what is reserved to whom.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.may(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "{} Vous êtes connecté avec le compte {} ({}).",
                permission.refusal(),
                self.user.email,
                self.user.role.label()
            )))
        }
    }
}

/// What someone may do in the registry; [`allows`] says who may.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Create, disable and list accounts.
    ManageUsers,
    /// Grant, refuse or suspend a label.
    DecideLabels,
    /// Create, edit and submit the programmes of this organisation.
    EditProgrammesOf(OrganisationId),
}

impl Permission {
    /// The French sentence that says to whom this is reserved.
    fn refusal(self) -> &'static str {
        match self {
            Permission::ManageUsers => "La gestion des comptes est réservée aux administrateurs.",
            Permission::DecideLabels => "Les décisions sur le label sont réservées aux évaluateurs.",
            Permission::EditProgrammesOf(_) => {
                "Seuls les comptes de l'organisme de formation concerné peuvent modifier ses formations."
            }
        }
    }
}

/// The whole table of who may do what. A provider edits only its own organisation's
/// programmes; only reviewers decide on labels; only admins manage accounts.
pub fn allows(user: &store::User, permission: Permission) -> bool {
    if user.disabled {
        return false;
    }
    match permission {
        Permission::ManageUsers => user.role == Role::Admin,
        Permission::DecideLabels => user.role == Role::Reviewer,
        Permission::EditProgrammesOf(organisation) => {
            user.role == Role::Provider && user.organisation_id == Some(organisation)
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(user.clone());
        }
        if parts.method == Method::GET || parts.method == Method::HEAD {
            let wanted = parts.uri.path_and_query().map_or("/", |path| path.as_str());
            Err(AppError::LoginRequired { return_to: wanted.to_owned() })
        } else {
            Err(AppError::Forbidden("Connectez-vous pour faire cette action.".to_owned()))
        }
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for CurrentUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<CurrentUser>().cloned())
    }
}

/// A role a route requires (see [`WithRole`]).
pub trait RequiredRole {
    /// The role.
    const ROLE: Role;
}

/// Marker for [`WithRole`]: administrators.
#[derive(Debug)]
pub struct AdminRole;

/// Marker for [`WithRole`]: reviewers.
#[derive(Debug)]
pub struct ReviewerRole;

/// Marker for [`WithRole`]: providers (people acting for an organisation).
#[derive(Debug)]
pub struct ProviderRole;

impl RequiredRole for AdminRole {
    const ROLE: Role = Role::Admin;
}

impl RequiredRole for ReviewerRole {
    const ROLE: Role = Role::Reviewer;
}

impl RequiredRole for ProviderRole {
    const ROLE: Role = Role::Provider;
}

/// Extractor for a route reserved to one role: anonymous visitors are sent to the login page
/// (GET) and signed-in users of another role get a French 403 page.
#[derive(Debug)]
pub struct WithRole<R> {
    /// The signed-in user, who has the role.
    pub user: CurrentUser,
    role: PhantomData<R>,
}

/// An administrator (see [`WithRole`]).
pub type Admin = WithRole<AdminRole>;
/// A reviewer (see [`WithRole`]).
pub type Reviewer = WithRole<ReviewerRole>;
/// A provider (see [`WithRole`]).
pub type Provider = WithRole<ProviderRole>;

impl WithRole<ProviderRole> {
    /// The organisation the provider acts for (every provider account has one).
    pub fn organisation_id(&self) -> Option<OrganisationId> {
        self.user.user.organisation_id
    }
}

impl<R: RequiredRole, S: Send + Sync> FromRequestParts<S> for WithRole<R> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let user = <CurrentUser as FromRequestParts<S>>::from_request_parts(parts, state).await?;
        if user.user.role != R::ROLE {
            return Err(AppError::Forbidden(format!(
                "Cette page est réservée aux comptes « {} ». Vous êtes connecté avec le compte {} ({}).",
                R::ROLE.label(),
                user.user.email,
                user.user.role.label()
            )));
        }
        Ok(WithRole { user, role: PhantomData })
    }
}

/// What the middleware learnt about the request, for handlers that set cookies or rate-limit.
#[derive(Debug, Clone)]
pub struct RequestInfo {
    /// Whether cookies must be marked `Secure` (HTTPS through a proxy, or `--secure-cookies`).
    pub secure: bool,
    /// The nonce of the anonymous-form cookie, when the browser sent a well-formed one.
    pub form_nonce: Option<String>,
    /// The client's IP address as text (`inconnue` when the server was not told).
    pub client_ip: String,
}

impl<S: Send + Sync> FromRequestParts<S> for RequestInfo {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestInfo>()
            .cloned()
            .ok_or_else(|| AppError::Internal("le middleware de session n'a pas été installé".to_owned()))
    }
}

/// What the page header shows about the visitor; templates read it with [`viewer`].
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    signed_in: Option<ViewerAccount>,
}

/// The signed-in account as the header shows it.
#[derive(Debug, Clone)]
pub struct ViewerAccount {
    /// The e-mail address.
    pub email: String,
    /// Whether the account may manage users (the header links to the admin page).
    pub is_admin: bool,
    /// The CSRF token of the logout form.
    pub logout_token: String,
}

impl Viewer {
    /// The signed-in account, if any.
    pub fn account(&self) -> Option<&ViewerAccount> {
        self.signed_in.as_ref()
    }
}

tokio::task_local! {
    static VIEWER: Viewer;
}

/// The visitor of the request being answered (anonymous outside a request, as in reports
/// rendered by the command line).
pub fn viewer() -> Viewer {
    VIEWER.try_with(Clone::clone).unwrap_or_default()
}

/// The cookies of a request, as (name, value) pairs.
fn cookies(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().trim_matches('"').to_owned()))
        .collect()
}

fn cookie<'a>(cookies: &'a [(String, String)], name: &str) -> Option<&'a str> {
    cookies.iter().find(|(cookie_name, _)| cookie_name == name).map(|(_, value)| value.as_str())
}

/// Whether the request came over HTTPS through a reverse proxy that says so.
fn came_over_https(headers: &HeaderMap) -> bool {
    let forwarded_proto = headers
        .get("x-forwarded-proto")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(',').next())
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"));
    let forwarded = headers
        .get(header::FORWARDED)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().split([';', ',']).any(|part| part.trim() == "proto=https"));
    forwarded_proto || forwarded
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure when asked; `max_age` in seconds,
/// `None` for a cookie that lasts as long as the browser session.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(seconds) = max_age {
        text.push_str(&format!("; Max-Age={}", seconds.max(0)));
    }
    if secure {
        text.push_str("; Secure");
    }
    // Names are constants and values hex: the text is always a valid header value.
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("socle_invalide=; Max-Age=0"))
}

/// A `Set-Cookie` value that removes the cookie.
pub fn clear_cookie(name: &str, secure: bool) -> HeaderValue {
    set_cookie(name, "", Some(0), secure)
}

fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE)
}

/// Refuses a state-changing request that a browser says comes from another site.
fn check_origin(request: &Request) -> Result<(), AppError> {
    let refused = || {
        AppError::Forbidden(
            "Cette demande vient d'un autre site que socle : elle est refusée et rien n'a été modifié. \
             Ouvrez le formulaire sur ce site puis renvoyez-le."
                .to_owned(),
        )
    };
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site") {
        // `none`: the user acted directly (bookmark, typed address); `same-origin`: this site.
        if !matches!(site.to_str(), Ok("same-origin" | "none")) {
            return Err(refused());
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().map_err(|_| refused())?;
        let authority = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
        let host = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .or_else(|| request.uri().authority().map(|authority| authority.as_str()));
        match (authority, host) {
            (Some(authority), Some(host)) if authority.eq_ignore_ascii_case(host) => {}
            _ => return Err(refused()),
        }
    }
    Ok(())
}

/// The refusal of a form without a valid CSRF token.
fn csrf_refused() -> AppError {
    AppError::Forbidden(
        "Ce formulaire est refusé et rien n'a été modifié : son jeton de sécurité manque, a expiré ou ne correspond \
         pas à votre session. Rechargez la page du formulaire puis renvoyez-le ; si vous étiez connecté, votre session \
         a peut-être pris fin : reconnectez-vous. Le navigateur doit accepter les cookies de ce site."
            .to_owned(),
    )
}

/// The boundary of a `multipart/form-data` content type.
fn multipart_boundary(content_type: &str) -> Option<String> {
    let (kind, parameters) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    parameters.split(';').find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        name.trim().eq_ignore_ascii_case("boundary").then(|| value.trim().trim_matches('"').to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack.get(from..)?.windows(needle.len()).position(|window| window == needle).map(|at| at + from)
}

/// The value of the text field `name` of a `multipart/form-data` body: only what the CSRF
/// check needs (handlers parse uploads themselves).
fn multipart_field(body: &[u8], boundary: &str, name: &str) -> Option<String> {
    let delimiter = format!("--{boundary}");
    let wanted = format!("name=\"{name}\"");
    let mut at = find(body, delimiter.as_bytes(), 0)? + delimiter.len();
    while let Some(next) = find(body, delimiter.as_bytes(), at) {
        let part = &body[at..next];
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        if let Some(headers_end) = find(part, b"\r\n\r\n", 0) {
            let headers = String::from_utf8_lossy(&part[..headers_end]);
            let is_wanted = headers.lines().any(|line| {
                let line = line.to_ascii_lowercase();
                line.starts_with("content-disposition:")
                    && line.split(';').any(|parameter| parameter.trim() == wanted.to_ascii_lowercase())
            });
            if is_wanted {
                let value = &part[headers_end + 4..];
                let value = value.strip_suffix(b"\r\n").unwrap_or(value);
                return String::from_utf8(value.to_vec()).ok();
            }
        }
        at = next + delimiter.len();
    }
    None
}

/// Reads the CSRF token of a state-changing request: the `x-csrf-token` header, or the `csrf`
/// field of a form body (URL-encoded or multipart). The body is read and put back.
async fn take_csrf_token(request: Request) -> Result<(Request, Option<String>), AppError> {
    if let Some(token) = request.headers().get("x-csrf-token").and_then(|value| value.to_str().ok()) {
        let token = token.to_owned();
        return Ok((request, Some(token)));
    }
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or_default();
    let urlencoded = content_type
        .split(';')
        .next()
        .is_some_and(|kind| kind.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
    let boundary = multipart_boundary(content_type);
    if !urlencoded && boundary.is_none() {
        return Ok((request, None));
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES).await.map_err(|_| {
        AppError::TooLarge(format!(
            "Le formulaire envoyé dépasse {} Mio ou n'a pas pu être lu en entier : allégez-le puis renvoyez-le.",
            MAX_FORM_BYTES / (1024 * 1024)
        ))
    })?;
    let token = match boundary {
        Some(boundary) => multipart_field(&bytes, &boundary, CSRF_FIELD),
        None => {
            form_urlencoded::parse(&bytes).find(|(name, _)| name == CSRF_FIELD).map(|(_, value)| value.into_owned())
        }
    };
    Ok((Request::from_parts(parts, Body::from(bytes)), token))
}

/// Whether `token` is a valid CSRF token for a state-changing request to `path`.
fn csrf_token_is_valid(
    state: &AppState,
    signed_in: Option<&CurrentUser>,
    form_nonce: Option<&str>,
    path: &str,
    token: &str,
) -> bool {
    let session_token = signed_in.is_some_and(|user| auth::form_token_is_valid(&user.session.csrf_secret, path, token));
    // Only the login form is shown to anonymous visitors, so only it accepts their tokens.
    let anonymous_token = path == LOGIN_PATH
        && form_nonce.is_some_and(|nonce| state.security.anonymous_form_token_is_valid(nonce, path, token));
    session_token || anonymous_token
}

/// The session middleware (see the module documentation).
pub async fn middleware(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let request_cookies = cookies(request.headers());
    let session_cookie = cookie(&request_cookies, SESSION_COOKIE);
    let mut stale_session_cookie = session_cookie.is_some();
    let mut signed_in = None;
    if let Some(token) = session_cookie.filter(|token| auth::is_secret_shaped(token)) {
        match state.store.session(&auth::session_token_hash(token), store::unix_now()).await {
            Ok(Some((session, user))) => {
                stale_session_cookie = false;
                signed_in = Some(CurrentUser { user, session });
            }
            Ok(None) => {}
            Err(error) => return AppError::Store(error).into_response(),
        }
    }
    let info = RequestInfo {
        secure: state.security.config().secure_cookies || came_over_https(request.headers()),
        form_nonce: cookie(&request_cookies, FORM_COOKIE)
            .filter(|nonce| auth::is_secret_shaped(nonce))
            .map(str::to_owned),
        client_ip: request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "inconnue".to_owned(), |ConnectInfo(address)| address.ip().to_string()),
    };
    let viewer = Viewer {
        signed_in: signed_in.as_ref().map(|user: &CurrentUser| ViewerAccount {
            email: user.user.email.clone(),
            is_admin: user.user.role == Role::Admin,
            logout_token: user.form_token(LOGOUT_PATH),
        }),
    };
    VIEWER
        .scope(viewer, async move {
            let secure = info.secure;
            let mut request = request;
            if is_state_changing(request.method()) {
                if let Err(error) = check_origin(&request) {
                    return error.into_response();
                }
                let (checked, token) = match take_csrf_token(request).await {
                    Ok(taken) => taken,
                    Err(error) => return error.into_response(),
                };
                request = checked;
                let path = request.uri().path().to_owned();
                let valid = token.as_deref().is_some_and(|token| {
                    csrf_token_is_valid(&state, signed_in.as_ref(), info.form_nonce.as_deref(), &path, token)
                });
                // Logging out without a session changes nothing: let it through to clear cookies.
                let harmless = signed_in.is_none() && path == LOGOUT_PATH;
                if !valid && !harmless {
                    return csrf_refused().into_response();
                }
            }
            let is_signed_in = signed_in.is_some();
            request.extensions_mut().insert(info);
            if let Some(user) = signed_in {
                request.extensions_mut().insert(user);
            }
            let mut response = next.run(request).await;
            let headers = response.headers_mut();
            let sets_session_cookie = headers
                .get_all(header::SET_COOKIE)
                .iter()
                .any(|value| value.as_bytes().starts_with(format!("{SESSION_COOKIE}=").as_bytes()));
            if stale_session_cookie && !sets_session_cookie {
                headers.append(header::SET_COOKIE, clear_cookie(SESSION_COOKIE, secure));
            }
            // Pages for a signed-in user, and answers that set cookies, stay out of every cache.
            if (is_signed_in || headers.contains_key(header::SET_COOKIE))
                && !headers.contains_key(header::CACHE_CONTROL)
            {
                headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            }
            response
        })
        .await
}

/// Where to go after logging in: `suite` when it is a path of this site, else `None`.
///
/// Only a relative path that starts with one `/` is accepted: no scheme, no `//host`, no
/// backslash (browsers read `/\host` as `//host`), no control character or space (browsers
/// drop tabs and line breaks from addresses), at most 1,000 characters.
pub fn safe_return_path(suite: &str) -> Option<&str> {
    let acceptable = suite.starts_with('/')
        && !suite.starts_with("//")
        && suite.len() <= 1000
        && !suite.chars().any(|character| character == '\\' || character.is_control() || character.is_whitespace());
    acceptable.then_some(suite)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_site_are_accepted_as_return_paths() {
        for accepted in ["/", "/compte", "/admin/utilisateurs?page=2", "/referentiel/DS.MST.06#niveaux"] {
            assert_eq!(safe_return_path(accepted), Some(accepted));
        }
        for refused in [
            "",
            "compte",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_return_path(refused), None, "{refused:?}");
        }
        assert_eq!(safe_return_path(&format!("/{}", "a".repeat(1000))), None);
    }

    #[test]
    fn the_csrf_field_is_found_in_a_multipart_body() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"a.toml\"\r\n\
Content-Type: text/plain\r\n\r\nname=\"csrf\"\r\n--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\
abc123\r\n--XyZ--\r\n";
        assert_eq!(multipart_field(body, "XyZ", "csrf").as_deref(), Some("abc123"));
        assert_eq!(multipart_field(body, "XyZ", "autre"), None);
        assert_eq!(multipart_boundary("multipart/form-data; boundary=\"XyZ\"").as_deref(), Some("XyZ"));
        assert_eq!(multipart_boundary("text/plain; boundary=XyZ"), None);
    }

    #[test]
    fn cookies_are_read_from_every_cookie_header() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; socle_session=abc"));
        headers.append(header::COOKIE, HeaderValue::from_static("b=\"2\""));
        let parsed = cookies(&headers);
        assert_eq!(cookie(&parsed, "socle_session"), Some("abc"));
        assert_eq!(cookie(&parsed, "b"), Some("2"));
        assert_eq!(cookie(&parsed, "c"), None);
    }

    #[test]
    fn https_is_recognised_from_the_proxy_headers() {
        let mut headers = HeaderMap::new();
        assert!(!came_over_https(&headers));
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(came_over_https(&headers));
        let mut headers = HeaderMap::new();
        headers.insert(header::FORWARDED, HeaderValue::from_static("for=192.0.2.1;proto=https;by=203.0.113.4"));
        assert!(came_over_https(&headers));
    }

    fn user(role: Role, organisation: Option<i64>) -> store::User {
        store::User {
            id: store::UserId(1),
            email: "a@exemple.fr".to_owned(),
            role,
            organisation_id: organisation.map(OrganisationId),
            password_hash: "x".to_owned(),
            created_at: 0,
            disabled: false,
        }
    }

    #[test]
    fn the_permission_table() {
        let organisation = OrganisationId(7);
        let cases = [
            (user(Role::Admin, None), [true, false, false]),
            (user(Role::Reviewer, None), [false, true, false]),
            (user(Role::Provider, Some(7)), [false, false, true]),
            (user(Role::Provider, Some(8)), [false, false, false]),
        ];
        for (account, expected) in cases {
            let got = [
                allows(&account, Permission::ManageUsers),
                allows(&account, Permission::DecideLabels),
                allows(&account, Permission::EditProgrammesOf(organisation)),
            ];
            assert_eq!(got, expected, "{account:?}");
            let disabled = store::User { disabled: true, ..account };
            assert!(!allows(&disabled, Permission::ManageUsers) && !allows(&disabled, Permission::DecideLabels));
            assert!(!allows(&disabled, Permission::EditProgrammesOf(organisation)));
        }
    }
}
