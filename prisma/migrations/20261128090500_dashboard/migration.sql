-- The platform dashboard (/admin) counts per month over a date range (the last 12 months by default):
-- these let it read only the rows of that range instead of every join, sign-up and referral answer.
CREATE INDEX "event_attendees_joined_at_idx" ON "event_attendees"("joined_at");
CREATE INDEX "users_created_at_idx" ON "users"("created_at");
CREATE INDEX "referrals_created_at_idx" ON "referrals"("created_at");
