-- Reverts 0003_credentials.
DROP TABLE credentials;
