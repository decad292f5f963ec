-- Reverts 0004_settings.
DROP TABLE settings;
