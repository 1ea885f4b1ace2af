// CSV files for spreadsheets: RFC 4180 quoting, CRLF line ends and a UTF-8 byte order mark (without it,
// Excel reads UTF-8 as a legacy code page and mangles "Zürich").

export type CsvCell = string | number | boolean | Date | null | undefined;

// A cell starting with one of these is run as a formula by Excel, LibreOffice and Google Sheets
// (CSV injection): attendees choose their own names, so such text gets a leading apostrophe.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * A date as spreadsheets read it: "2025-03-01 14:05:09", in UTC. (The downloads that give times in the
 * event's zone have the database write them: csvTime() in exports.ts.)
 */
export function formatCsvDate(date: Date): string {
	return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** One cell, escaped: quotes doubled, quoted when it holds a comma, quote or line break. */
export function csvCell(value: CsvCell): string {
	if (value === null || value === undefined) return '';
	let text: string;
	if (typeof value === 'string') text = FORMULA_START.test(value) ? `'${value}` : value;
	else if (value instanceof Date) text = formatCsvDate(value);
	else if (typeof value === 'boolean') text = value ? 'yes' : 'no';
	else text = String(value);
	return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One line of a CSV document, ended by CRLF. */
export function csvLine(row: CsvCell[]): string {
	return `${row.map(csvCell).join(',')}\r\n`;
}

/** A whole CSV document: BOM, a header row, then the rows, every line ended by CRLF. */
export function toCsv(header: string[], rows: CsvCell[][]): string {
	return `\uFEFF${[header, ...rows].map(csvLine).join('')}`;
}

function csvHeaders(filename: string) {
	// Slugs are ASCII letters, digits and dashes, so the plain filename parameter is enough; strip the rest.
	const safe = filename.replace(/[^A-Za-z0-9._-]/g, '_');
	return {
		'Content-Type': 'text/csv; charset=utf-8; header=present',
		'Content-Disposition': `attachment; filename="${safe}"`,
		// Attendee lists are personal data: no shared cache may keep them.
		'Cache-Control': 'private, no-store'
	};
}

/** A download response for a CSV document. */
export function csvResponse(filename: string, body: string): Response {
	return new Response(body, { headers: csvHeaders(filename) });
}

// Streamed downloads read their batches a few at a time across the whole process. Fifty downloads of a
// big event started at once would otherwise hold most of the database pool between them. They take turns
// instead, each still at its own client's pace; the whole burst takes as long, since the work is the same.
// (It hardly lowers the process's peak memory in such a burst: that is V8's heap, see BENCHMARKS.md.)
const READING_AT_ONCE = 4;
let reading = 0;
const waiting: (() => void)[] = [];

async function inTurn<T>(work: () => Promise<T>): Promise<T> {
	if (reading < READING_AT_ONCE) reading++;
	else await new Promise<void>((resolve) => waiting.push(resolve));
	try {
		return await work();
	} finally {
		// The turn passes to the next download waiting, or is given back.
		const next = waiting.shift();
		if (next) next();
		else reading--;
	}
}

/**
 * A download response that streams a CSV document as its rows arrive, batch after batch (e.g. one
 * database page each), one chunk per batch: memory stays flat however long the file. A batch is rows of
 * cells, or lines the database wrote already (ended by CRLF). A batch is read only when the client has
 * taken the previous one, and at most READING_AT_ONCE downloads read theirs at the same moment; a client
 * that goes away stops the reading.
 */
export function csvStreamResponse(
	filename: string,
	header: string[],
	batches: AsyncIterable<CsvCell[][] | string>
): Response {
	const encoder = new TextEncoder();
	const source = batches[Symbol.asyncIterator]();
	const nextChunk = () =>
		inTurn(async () => {
			// Read on past empty batches. One chunk per batch: a chunk per line costs more in the stream
			// than the line itself.
			for (;;) {
				const next = await source.next();
				if (next.done) return null;
				const text = typeof next.value === 'string' ? next.value : next.value.map(csvLine).join('');
				if (text) return encoder.encode(text);
			}
		});
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			controller.enqueue(encoder.encode(`\uFEFF${csvLine(header)}`));
		},
		async pull(controller) {
			const chunk = await nextChunk();
			if (chunk) controller.enqueue(chunk);
			else controller.close();
		},
		async cancel() {
			await source.return?.();
		}
	});
	return new Response(body, { headers: csvHeaders(filename) });
}
