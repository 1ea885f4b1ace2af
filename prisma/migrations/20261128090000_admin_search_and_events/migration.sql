-- The platform admin's search box (/admin/search) and events directory (/admin/events).

-- Trigram indexes answer "contains this text" (ILIKE '%text%') and prefix searches from an index, so
-- that a search stays fast at 100,000 people. One multicolumn GIN index per table: GIN has no leading
-- column, so a condition on any one of the columns (or an OR of them) uses it. People are searched
-- through the per-column indexes of migration 20261128091000_admin_people.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX "events_search_trgm_idx" ON "events" USING GIN ("name" gin_trgm_ops, "slug" gin_trgm_ops);
CREATE INDEX "projects_search_trgm_idx" ON "projects" USING GIN ("name" gin_trgm_ops);

-- The events directory pages newest first by (created_at, id): keyset paging from this index.
CREATE INDEX "events_created_at_id_idx" ON "events" ("created_at" DESC, "id" DESC);
