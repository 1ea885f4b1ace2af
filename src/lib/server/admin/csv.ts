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
	// From its parts rather than toISOString(): a third of the time, and the activity log's download
	// writes one for every entry.
	return (
		`${date.getUTCFullYear()}-${twoDigits(date.getUTCMonth() + 1)}-${twoDigits(date.getUTCDate())} ` +
		`${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())}:${twoDigits(date.getUTCSeconds())}`
	);
}

const twoDigits = (n: number) => (n < 10 ? `0${n}` : `${n}`);

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
// instead, each still at its own client's pace. Two at once keep both the app and the database busy (one
// reads rows while the other writes lines); more made a burst no faster, and fewer turns let more requests
// for the same file share a reading (BENCHMARKS.md, issue #12, eighth session).
const READING_AT_ONCE = 2;
let reading = 0;
// The files being read go first, then the files not begun: what has begun finishes sooner, and a file
// not begun gathers the requests for it that arrive meanwhile (see waitingToBeRead).
const continuing: (() => void)[] = [];
const beginning: (() => void)[] = [];

async function inTurn<T>(work: () => Promise<T>, { first = false } = {}): Promise<T> {
	if (reading < READING_AT_ONCE) reading++;
	else await new Promise<void>((resolve) => (first ? beginning : continuing).push(resolve));
	try {
		return await work();
	} finally {
		// The turn passes to the next download waiting, or is given back.
		const next = continuing.shift() ?? beginning.shift();
		if (next) next();
		else reading--;
	}
}

type CsvBatches = AsyncIterable<CsvCell[][] | string>;

/**
 * A download's rows as its export function reads them, and what the file holds (`sharedAs`: the same name,
 * the same bytes for whoever asks, with the same header), named by that function: see csvStreamResponse.
 */
export interface CsvExport<Batch extends CsvCell[][] | string = CsvCell[][] | string> {
	batches: AsyncIterable<Batch>;
	sharedAs: string;
}

/**
 * A client's place in a file: the chunks read for it that it has not taken yet, and whether it has asked
 * for one yet.
 */
interface Reader {
	queue: Uint8Array[];
	bytes: number;
	asked: boolean;
}

// When one client of a shared file falls this far behind the fastest, the file waits for it: what the
// app holds for a file stays bounded whatever its size. A client that has not asked for a single chunk by
// then is not waited for but left behind: its response was never sent (a server sends a response's body
// as soon as it has it, so even the slowest client asks for its first chunks at once), and waiting would
// hold the others' downloads for ever.
const BEHIND_AT_MOST = 4 * 1024 * 1024;

/**
 * One reading of a CSV file, batch after batch, for one or more clients. A batch is read when a client
 * that has taken everything so far asks for more; every client gets every chunk, in order.
 */
class FileReading {
	private readonly readers = new Set<Reader>();
	private reading: Promise<void> | null = null;
	private begun = false;
	private done = false;
	private failure: { error: unknown } | null = null;
	private caughtUp: (() => void) | null = null;
	private readonly encoder = new TextEncoder();

	constructor(
		private readonly source: AsyncIterator<CsvCell[][] | string>,
		// Called once, as the first batch is about to be read.
		private readonly onFirstRead: (() => void) | null = null,
		// Called once, when no client is left or the file has been read.
		private readonly onEnd: () => void = () => {}
	) {}

	join(): Reader {
		const reader: Reader = { queue: [], bytes: 0, asked: false };
		this.readers.add(reader);
		return reader;
	}

	/** The reader's next chunk, or null at the end of the file. */
	async next(reader: Reader): Promise<Uint8Array | null> {
		reader.asked = true;
		// Not among the readers, and asking: left behind (a client that left asks no more).
		if (!this.readers.has(reader)) {
			throw new Error('This download was not read while others went on with it.');
		}
		while (!reader.queue.length) {
			if (this.failure) throw this.failure.error;
			if (this.done) return null;
			await (this.reading ??= this.readBatch().finally(() => (this.reading = null)));
		}
		const chunk = reader.queue.shift()!;
		reader.bytes -= chunk.byteLength;
		this.caughtUp?.();
		return chunk;
	}

	/** The reader goes away (its client left); the file stops being read when nobody is left. */
	async leave(reader: Reader) {
		this.readers.delete(reader);
		this.caughtUp?.();
		if (this.readers.size || this.done) return;
		this.end();
		await this.source.return?.();
	}

	private end() {
		this.done = true;
		this.onEnd();
	}

	private async readBatch() {
		for (const reader of this.readers) {
			if (reader.asked || reader.bytes <= BEHIND_AT_MOST) continue;
			this.readers.delete(reader);
			Object.assign(reader, { queue: [], bytes: 0 });
		}
		while ([...this.readers].some((r) => r.bytes > BEHIND_AT_MOST))
			await new Promise<void>((resolve) => (this.caughtUp = resolve));
		this.caughtUp = null;
		if (this.done) return;
		try {
			const chunk = await inTurn(
				async () => {
					if (!this.begun) this.onFirstRead?.();
					this.begun = true;
					// Read on past empty batches. One chunk per batch: a chunk per line costs more in the
					// stream than the line itself.
					for (;;) {
						const next = await this.source.next();
						if (next.done) return null;
						const text = typeof next.value === 'string' ? next.value : next.value.map(csvLine).join('');
						if (text) return this.encoder.encode(text);
					}
				},
				{ first: !this.begun }
			);
			if (!chunk) return this.end();
			for (const reader of this.readers) {
				reader.queue.push(chunk);
				reader.bytes += chunk.byteLength;
			}
		} catch (error) {
			this.failure = { error };
			this.end();
		}
	}
}

// Files asked for again before their reading began, by what they hold: requests for the same file that
// arrive while the downloads take turns share one reading. Each client still gets a file read wholly
// after it asked (no older than a file of its own), and the database reads it once.
const waitingToBeRead = new Map<string, FileReading>();

function readingFor(batches: CsvBatches, sharedAs: string | undefined): FileReading {
	const source = batches[Symbol.asyncIterator]();
	if (sharedAs === undefined) return new FileReading(source);
	const waiting = waitingToBeRead.get(sharedAs);
	if (waiting) {
		// This request's own reading is not needed; nothing of it has run.
		void source.return?.();
		return waiting;
	}
	const forget = () => {
		if (waitingToBeRead.get(sharedAs) === reading) waitingToBeRead.delete(sharedAs);
	};
	const reading = new FileReading(source, forget, forget);
	waitingToBeRead.set(sharedAs, reading);
	return reading;
}

/**
 * A download response that streams a CSV document as its rows arrive, batch after batch (e.g. one
 * database page each), one chunk per batch: memory stays flat however long the file. A batch is rows of
 * cells, or lines the database wrote already (ended by CRLF). A batch is read only when the client has
 * taken the previous one, and at most READING_AT_ONCE downloads read theirs at the same moment; a client
 * that goes away stops the reading.
 *
 * `sharedAs` names what the file holds (the same name, the same bytes for whoever asks): requests for it
 * that arrive before its reading began share that reading (see waitingToBeRead).
 */
export function csvStreamResponse(
	filename: string,
	header: string[],
	batches: CsvBatches,
	{ sharedAs }: { sharedAs?: string } = {}
): Response {
	const encoder = new TextEncoder();
	const reading = readingFor(batches, sharedAs === undefined ? undefined : `${sharedAs}\n${csvLine(header)}`);
	const reader = reading.join();
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			controller.enqueue(encoder.encode(`\uFEFF${csvLine(header)}`));
		},
		async pull(controller) {
			const chunk = await reading.next(reader);
			if (chunk) controller.enqueue(chunk);
			else controller.close();
		},
		async cancel() {
			await reading.leave(reader);
		}
	});
	return new Response(body, { headers: csvHeaders(filename) });
}
