-- no-transaction
-- Back to seven label states: a revocation is stored again as `refused` (reached from `granted`
-- or `suspended`, which is how the web layer recognised it), a withdrawal as a return to `draft`
-- (as the web layer recorded it). Same rebuild as the up migration, in reverse.

PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

UPDATE label_transitions SET to_state = 'refused' WHERE to_state = 'revoked';
UPDATE label_transitions SET from_state = 'refused' WHERE from_state = 'revoked';
UPDATE label_transitions SET to_state = 'draft' WHERE to_state = 'withdrawn';
UPDATE label_transitions SET from_state = 'draft' WHERE from_state = 'withdrawn';
UPDATE programmes SET label_state = 'refused' WHERE label_state = 'revoked';
UPDATE programmes SET label_state = 'draft' WHERE label_state = 'withdrawn';

CREATE TABLE programmes_rebuilt (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    diploma TEXT NOT NULL,
    -- RNCP level 5 to 8; NULL for short courses and MOOCs.
    level INTEGER,
    -- INSEE region code.
    region TEXT,
    -- JSON array of modality codes (presentiel, distanciel, hybride).
    modalities TEXT NOT NULL DEFAULT '[]',
    declaration TEXT NOT NULL,
    report TEXT NOT NULL,
    eligible INTEGER NOT NULL CHECK (eligible IN (0, 1)),
    example INTEGER NOT NULL DEFAULT 0 CHECK (example IN (0, 1)),
    label_state TEXT NOT NULL DEFAULT 'draft',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (organisation_id, slug),
    CONSTRAINT programme_slug_format CHECK (slug GLOB '[a-z0-9]*' AND slug NOT GLOB '*[^a-z0-9_-]*'),
    CONSTRAINT programme_title_not_blank CHECK (trim(title) <> ''),
    CONSTRAINT programme_diploma_not_blank CHECK (trim(diploma) <> ''),
    CONSTRAINT programme_level_range CHECK (level IS NULL OR level BETWEEN 5 AND 8),
    CONSTRAINT programme_modalities_json CHECK (json_valid(modalities) AND json_type(modalities) = 'array'),
    CONSTRAINT programme_declaration_json CHECK (json_valid(declaration)),
    CONSTRAINT programme_report_json CHECK (json_valid(report)),
    CONSTRAINT programme_label_state_known CHECK (
        label_state IN ('draft', 'submitted', 'in_review', 'granted', 'refused', 'expired', 'suspended')
    )
) STRICT;

INSERT INTO programmes_rebuilt SELECT * FROM programmes;
DROP TABLE programmes;
ALTER TABLE programmes_rebuilt RENAME TO programmes;
CREATE INDEX programmes_label_state ON programmes (label_state);

CREATE TABLE label_transitions_rebuilt (
    id INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    -- NULL for the creation of the programme.
    from_state TEXT,
    to_state TEXT NOT NULL,
    -- NULL when the system acted (expiry…); users are disabled, never deleted, so the history
    -- keeps who acted.
    actor_user_id INTEGER REFERENCES users (id),
    at INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    CONSTRAINT transition_states_known CHECK (
        (from_state IS NULL
            OR from_state IN ('draft', 'submitted', 'in_review', 'granted', 'refused', 'expired', 'suspended'))
        AND to_state IN ('draft', 'submitted', 'in_review', 'granted', 'refused', 'expired', 'suspended')
    )
) STRICT;

INSERT INTO label_transitions_rebuilt SELECT * FROM label_transitions;
DROP TABLE label_transitions;
ALTER TABLE label_transitions_rebuilt RENAME TO label_transitions;
CREATE INDEX label_transitions_programme ON label_transitions (programme_id, at, id);

COMMIT;
PRAGMA foreign_keys = ON;
