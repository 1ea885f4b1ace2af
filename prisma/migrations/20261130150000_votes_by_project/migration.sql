-- One vote per voter and project, keyed by project first; the index on project_id alone goes, as the
-- unique index now serves its lookups (the votes of a project, and the cascade when one is deleted).
-- Before, the unique index started with the voter: the voters of an event's rush are spread over the
-- whole table, so every ballot wrote an index page no other ballot had touched, and after a checkpoint
-- PostgreSQL logs such a page whole. On a database of 900,000 votes that was 11 KB of log a ballot
-- against 4.7 KB, and the rush went at 0.6 to 0.8 of the rate on a small database (BENCHMARKS.md).
-- cast_ballot's ON CONFLICT ("voter_id", "project_id") still finds this index: PostgreSQL matches an
-- arbiter index by its set of columns, in any order.
-- The new index is built before the old one goes, so the rule holds throughout. Building it locks the
-- table against writes for a few seconds per million votes: run it outside an event's voting.
CREATE UNIQUE INDEX "votes_project_id_voter_id_key" ON "votes"("project_id", "voter_id");
DROP INDEX "votes_voter_id_project_id_key";
DROP INDEX "votes_project_id_idx";
