-- Reverts 0001_accounts: children first, so that no foreign key is left dangling.
DROP TABLE login_attempts;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE organisations;
