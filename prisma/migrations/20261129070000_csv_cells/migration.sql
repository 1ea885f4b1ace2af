-- One CSV cell, made by the database for the streamed downloads (src/lib/server/admin/exports.ts), by the
-- rules of csvCell() in src/lib/server/admin/csv.ts: text that a spreadsheet would run as a formula gets
-- a leading apostrophe (CSV injection), and a cell holding a comma, a quote or a line break is quoted
-- with its quotes doubled. Null is an empty cell. The database builds a batch's lines in one string, so
-- the app handles one value per thousand rows instead of thousands (BENCHMARKS.md, issue #12). One
-- expression without FROM, so that the planner inlines it into the query instead of calling it per cell.
CREATE FUNCTION "csv_cell"("value" TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE
		WHEN "value" IS NULL THEN ''
		WHEN "value" ~ E'^[-=+@\t\r]' THEN
			CASE WHEN "value" ~ E'[",\r\n]' THEN '"''' || replace("value", '"', '""') || '"' ELSE '''' || "value" END
		WHEN "value" ~ E'[",\r\n]' THEN '"' || replace("value", '"', '""') || '"'
		ELSE "value"
	END
$$;
