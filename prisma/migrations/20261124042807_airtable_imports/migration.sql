-- CreateTable
CREATE TABLE "airtable_imports" (
    "source" TEXT NOT NULL,
    "airtable_key" TEXT NOT NULL,
    "row_key" TEXT NOT NULL,
    "fields" JSONB NOT NULL DEFAULT '{}',
    "imported_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "airtable_imports_pkey" PRIMARY KEY ("source","airtable_key")
);
