-- The people directory of the app-wide admin area (/admin/people) filters 100,000 people by the start
-- of their email or of any of their names, case-insensitively: trigram indexes answer those ILIKE
-- 'text%' filters (a plain btree cannot: the names are matched case-insensitively, and LIKE on a btree
-- needs the C collation). The admin search (/admin/search) uses the same indexes: IF NOT EXISTS, so that
-- whichever of the two migrations runs second creates nothing twice.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX IF NOT EXISTS "users_email_idx" ON "users" USING GIN ("email" gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "users_first_name_idx" ON "users" USING GIN ("first_name" gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "users_last_name_idx" ON "users" USING GIN ("last_name" gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "users_display_name_idx" ON "users" USING GIN ("display_name" gin_trgm_ops);
