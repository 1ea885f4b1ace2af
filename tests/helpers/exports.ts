import { csvStreamResponse, type CsvExport } from '../../src/lib/server/admin/csv';
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

function streamed(filename: string, header: string[], file: CsvExport, { shared }: ExportOptions) {
	return csvStreamResponse(filename, header, file.batches, { sharedAs: shared ? file.sharedAs : undefined });
}

/** The attendees download of an event as its owner receives it. */
export function attendeesCsv(eventId: string, options: ExportOptions = {}): Promise<string> {
	return fileText(
		streamed('attendees.csv', ATTENDEES_CSV_HEADER, exportAttendeesCsv(eventId, options), options)
	);
}

/** The votes download of an event as its owner receives it. */
export function votesCsv(eventId: string, options: ExportOptions = {}): Promise<string> {
	return fileText(streamed('votes.csv', VOTES_CSV_HEADER, exportVotesCsv(eventId, options), options));
}
