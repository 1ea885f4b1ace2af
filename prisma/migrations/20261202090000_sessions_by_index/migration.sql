-- Issue 12: sessions_of finds each session by its key, whatever the size of the sessions table.
--
-- sessions_of (20261130090000_batches) looks up the sessions of the requests that arrive together, and
-- keeps its plan: one generic plan for every call. Planned without the ids, `unnest(p_ids)` counts as 10
-- rows, so while the sessions table is small (up to a few thousand rows) PostgreSQL plans a hash join that
-- reads the whole table on every call: the usual size of the embedded database of one event. Timed on a
-- table of 1,000 sessions, 12 ids a call (BENCHMARKS.md): about 155 µs a call, against 65 µs for the
-- lookup below. From about 3,500 sessions on, its plan already used the index.
--
-- Each id now gets its own lookup by the primary key, which the planner cannot fold into a join over the
-- whole table (OFFSET 0 keeps the subquery as it is). Same columns, same rows, same order.
CREATE OR REPLACE FUNCTION "sessions_of"(p_ids text[])
RETURNS TABLE (n integer, id text, user_id uuid, expires_at timestamptz, email text, first_name text,
    last_name text, display_name text, profile_complete boolean, is_platform_admin boolean, locale text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY SELECT i.n::integer, found.*
        FROM unnest(p_ids) WITH ORDINALITY AS i(sid, n)
        CROSS JOIN LATERAL (
            SELECT s."id", s."user_id", s."expires_at"::timestamptz, u."email", u."first_name",
                u."last_name", u."display_name", u."profile_completed_at" IS NOT NULL,
                u."platform_admin_since" IS NOT NULL, u."locale"::text
            FROM "sessions" s JOIN "users" u ON u."id" = s."user_id"
            WHERE s."id" = i.sid
            OFFSET 0
        ) AS found;
END;
$$;
