-- The language a person chose (the language switcher, the profile); null: their browser's.
ALTER TABLE "users" ADD COLUMN "locale" VARCHAR(16);
