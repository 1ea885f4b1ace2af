import { csvStreamResponse } from '../../src/lib/server/admin/csv';
import {
	ATTENDEES_CSV_HEADER,
	exportAttendeesCsv,
	exportVotesCsv,
	VOTES_CSV_HEADER
} from '../../src/lib/server/admin/exports';

// The bytes as the owner's browser saves them: Response.text() would drop the byte order mark.
async function fileText(response: Response): Promise<string> {
	return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
}

/** batchSize: rows a batch; shared: shared with other downloads of the same file, as the routes do. */
interface ExportOptions {
	batchSize?: number;
	shared?: boolean;
}

/** The attendees download of an event as its owner receives it. */
export function attendeesCsv(eventId: string, options: ExportOptions = {}): Promise<string> {
	return fileText(
		csvStreamResponse('attendees.csv', ATTENDEES_CSV_HEADER, exportAttendeesCsv(eventId, options), {
			sharedAs: options.shared ? `attendees ${eventId} UTC` : undefined
		})
	);
}

/** The votes download of an event as its owner receives it. */
export function votesCsv(eventId: string, options: ExportOptions = {}): Promise<string> {
	return fileText(
		csvStreamResponse('votes.csv', VOTES_CSV_HEADER, exportVotesCsv(eventId, options), {
			sharedAs: options.shared ? `votes ${eventId} UTC` : undefined
		})
	);
}
