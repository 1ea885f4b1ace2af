-- The owner's votes download reads an event's votes newest first in keyset batches: with this index each
-- batch is a range of it, not a sort of all the event's votes.
CREATE INDEX "votes_event_id_created_at_id_idx" ON "votes"("event_id", "created_at" DESC, "id");
