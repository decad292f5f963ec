-- Accounts: training organisations, the people who use the registry, their sessions and their
-- login attempts (kept for rate limiting). Times are Unix seconds (UTC); booleans are 0 or 1.

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    -- The name trimmed and in lower case (Unicode rules, applied by the store): what makes two
    -- names the same.
    name_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    CONSTRAINT organisation_name_not_blank CHECK (trim(name) <> ''),
    CONSTRAINT organisation_kind_not_blank CHECK (trim(kind) <> '')
) STRICT;

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    -- Stored trimmed and in lower case by the store; NOCASE guards against hand edits.
    email TEXT NOT NULL COLLATE NOCASE UNIQUE,
    role TEXT NOT NULL,
    organisation_id INTEGER REFERENCES organisations (id),
    -- The caller hashes passwords (argon2id PHC string); the store never sees a password.
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    CONSTRAINT user_email_shape CHECK (email LIKE '%_@_%' AND email NOT GLOB '*[ 	]*'),
    CONSTRAINT user_role_known CHECK (role IN ('provider', 'reviewer', 'admin')),
    CONSTRAINT user_provider_has_organisation CHECK ((role = 'provider') = (organisation_id IS NOT NULL)),
    CONSTRAINT user_password_hash_not_blank CHECK (password_hash <> '')
) STRICT;

CREATE INDEX users_organisation ON users (organisation_id);

CREATE TABLE sessions (
    -- A hash of the cookie's token: a stolen database does not hand out live sessions.
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_secret TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    CONSTRAINT session_expires_after_creation CHECK (expires_at > created_at)
) STRICT, WITHOUT ROWID;

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL COLLATE NOCASE,
    ip TEXT NOT NULL,
    at INTEGER NOT NULL,
    success INTEGER NOT NULL CHECK (success IN (0, 1))
) STRICT;

CREATE INDEX login_attempts_email ON login_attempts (email, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);
