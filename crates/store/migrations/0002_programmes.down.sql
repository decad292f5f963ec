-- Reverts 0002_programmes.
DROP TABLE label_transitions;
DROP TABLE programme_competences;
DROP TABLE programmes;
