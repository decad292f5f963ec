-- Labels issued: each is a signed credential (VC-JWT text), valid for a period, possibly
-- revoked later with a reason.

CREATE TABLE credentials (
    -- The credential's own id (for instance urn:uuid:…), chosen by the issuer.
    id TEXT PRIMARY KEY,
    -- No cascade: a programme with an issued label cannot be deleted.
    programme_id INTEGER NOT NULL REFERENCES programmes (id),
    issued_at INTEGER NOT NULL,
    valid_until INTEGER NOT NULL,
    jwt TEXT NOT NULL,
    revoked_at INTEGER,
    revocation_reason TEXT,
    CONSTRAINT credential_validity_after_issue CHECK (valid_until > issued_at),
    CONSTRAINT credential_revocation_complete CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
) STRICT;

CREATE INDEX credentials_programme ON credentials (programme_id, issued_at);
