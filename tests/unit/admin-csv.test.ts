import { describe, expect, it } from 'vitest';
import { eventSettingsSchema } from '../../src/lib/schemas/admin';
import { csvCell, csvLine, csvResponse, csvStreamResponse, toCsv } from '../../src/lib/server/admin/csv';

/** A minimal RFC 4180 reader, to prove that what we write reads back as the same cells. */
function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quoted && c === '"' && text[i + 1] === '"') {
			cell += '"';
			i++;
		} else if (quoted && c === '"') {
			quoted = false;
		} else if (quoted) {
			cell += c;
		} else if (c === '"') {
			quoted = true;
		} else if (c === ',') {
			row.push(cell);
			cell = '';
		} else if (c === '\r' && text[i + 1] === '\n') {
			row.push(cell);
			rows.push(row);
			row = [];
			cell = '';
			i++;
		} else {
			cell += c;
		}
	}
	return rows;
}

describe('CSV cells', () => {
	it('quote fields with commas, quotes or line breaks, doubling the quotes', () => {
		expect(csvCell('plain')).toBe('plain');
		expect(csvCell('Smith, Jo')).toBe('"Smith, Jo"');
		expect(csvCell('The "Best" Bot')).toBe('"The ""Best"" Bot"');
		expect(csvCell('line one\nline two')).toBe('"line one\nline two"');
		expect(csvCell('carriage\rreturn')).toBe('"carriage\rreturn"');
	});

	it('neutralise text that a spreadsheet would run as a formula', () => {
		expect(csvCell('=HYPERLINK("http://evil.test","click")')).toBe(
			'"\'=HYPERLINK(""http://evil.test"",""click"")"'
		);
		expect(csvCell('+1 555')).toBe("'+1 555");
		expect(csvCell('-2+3')).toBe("'-2+3");
		expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
		expect(csvCell('\t=1')).toBe("'\t=1");
		// Numbers are numbers: a negative count is not text someone typed.
		expect(csvCell(-3)).toBe('-3');
		expect(csvCell('a=b')).toBe('a=b');
	});

	it('write empty cells, booleans and dates readably', () => {
		expect(csvCell(null)).toBe('');
		expect(csvCell(undefined)).toBe('');
		expect(csvCell(true)).toBe('yes');
		expect(csvCell(new Date('2025-03-01T14:05:09.123Z'))).toBe('2025-03-01 14:05:09');
		// In UTC, whatever the server's zone; every part two digits.
		expect(csvCell(new Date('2026-12-31T23:59:59.999Z'))).toBe('2026-12-31 23:59:59');
		expect(csvCell(new Date('2027-01-02T00:00:00+01:00'))).toBe('2027-01-01 23:00:00');
	});
});

describe('CSV documents', () => {
	it('start with a UTF-8 byte order mark, end every line with CRLF and read back cell for cell', () => {
		const cells = [
			['Zoë "Z" Müller', 'a,b', 'two\nlines'],
			['=cmd|calc', '', '42']
		];
		const csv = toCsv(['Name', 'Team', 'Notes'], cells);
		expect(csv.startsWith('\uFEFFName,Team,Notes\r\n')).toBe(true);
		expect(csv.endsWith('\r\n')).toBe(true);
		expect(parseCsv(csv.slice(1))).toEqual([
			['Name', 'Team', 'Notes'],
			['Zoë "Z" Müller', 'a,b', 'two\nlines'],
			["'=cmd|calc", '', '42']
		]);
	});

	it('download as an attachment with a safe file name, never cached by others', async () => {
		const response = csvResponse('scrapyard-votes.csv', toCsv(['a'], [['b']]));
		expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8; header=present');
		expect(response.headers.get('Content-Disposition')).toBe('attachment; filename="scrapyard-votes.csv"');
		expect(response.headers.get('Cache-Control')).toContain('no-store');
		expect(csvResponse('a"b\r\n.csv', '').headers.get('Content-Disposition')).toBe(
			'attachment; filename="a_b__.csv"'
		);
		const bytes = new Uint8Array(await response.arrayBuffer());
		expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
	});
});

describe('streamed CSV downloads', () => {
	it('write the same document as toCsv, batch by batch, reading a batch only when the client asks', async () => {
		const read: number[] = [];
		async function* batches() {
			for (const n of [1, 2, 3]) {
				read.push(n);
				yield [[`=row ${n}`, 'a,b', `line\n${n}`, 'Ünïcode']];
			}
		}
		const response = csvStreamResponse('x.csv', ['A', 'B', 'C', 'D'], batches());
		expect(response.headers.get('Content-Disposition')).toBe('attachment; filename="x.csv"');
		expect(response.headers.get('Cache-Control')).toContain('no-store');
		const reader = response.body!.getReader();
		await reader.read();
		expect(read.length).toBeLessThan(3);
		await reader.cancel();

		const whole = csvStreamResponse(
			'x.csv',
			['A', 'B', 'C', 'D'],
			(async function* () {
				yield [['=row 1', 'a,b', 'line\n1', 'Ünïcode']];
				yield [];
				yield [['=row 2', 'a,b', 'line\n2', 'Ünïcode']];
			})()
		);
		// text() would drop the byte order mark: decode the bytes as they are.
		const bytes = await whole.arrayBuffer();
		expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)).toBe(
			toCsv(
				['A', 'B', 'C', 'D'],
				[
					['=row 1', 'a,b', 'line\n1', 'Ünïcode'],
					['=row 2', 'a,b', 'line\n2', 'Ünïcode']
				]
			)
		);
		expect(csvLine(['@x', 1])).toBe("'@x,1\r\n");
	});

	it('lets many downloads at once read their batches two at a time, each file whole', async () => {
		let reading = 0;
		let most = 0;
		async function* batches(file: number) {
			for (let b = 0; b < 5; b++) {
				reading++;
				most = Math.max(most, reading);
				// A database page takes a moment to arrive.
				await new Promise((resolve) => setTimeout(resolve, 2));
				reading--;
				yield [[`file ${file}`, `batch ${b}`]];
			}
		}
		const files = Array.from({ length: 12 }, (_, file) =>
			csvStreamResponse('x.csv', ['F', 'B'], batches(file))
		);
		const texts = await Promise.all(files.map((response) => response.text()));
		expect(most).toBe(2);
		texts.forEach((text, file) =>
			expect(parseCsv(text.replace(/^\uFEFF/, ''))).toEqual([
				['F', 'B'],
				...Array.from({ length: 5 }, (_, b) => [`file ${file}`, `batch ${b}`])
			])
		);
	});
});

describe('the same file asked for at the same moment', () => {
	const decode = (bytes: ArrayBuffer) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
	const nextTick = () => new Promise((resolve) => setTimeout(resolve, 5));

	it('is read once for the requests that wait for their turn, and anew for a request after its reading began', async () => {
		// Four downloads take every turn, and wait for more, until the gate opens.
		let open!: () => void;
		const gate = new Promise<void>((resolve) => (open = resolve));
		const holders = Array.from({ length: 4 }, (_, n) =>
			csvStreamResponse(
				'x.csv',
				['H'],
				(async function* () {
					await gate;
					yield `holder ${n}\r\n`;
				})()
			)
		);
		const holding = holders.map((response) => response.arrayBuffer());
		await nextTick();

		const reads: number[] = [];
		const votes = (source: number) =>
			(async function* () {
				reads.push(source);
				yield `first batch of ${source}\r\n`;
				yield `second batch of ${source}\r\n`;
			})();
		const waitingForTurn = [0, 1, 2].map((source) =>
			csvStreamResponse('votes.csv', ['V'], votes(source), { sharedAs: 'votes e1' })
		);
		// Another file, and the same file with another header, are not that file.
		const other = csvStreamResponse('votes.csv', ['V'], votes(7), { sharedAs: 'votes e2' });
		const otherHeader = csvStreamResponse('votes.csv', ['W'], votes(8), { sharedAs: 'votes e1' });
		const texts = Promise.all([...waitingForTurn, other, otherHeader].map((r) => r.arrayBuffer()));
		await nextTick();
		expect(reads).toEqual([]);
		open();

		const [a, b, c, d, e] = (await texts).map(decode);
		const first = '\uFEFFV\r\nfirst batch of 0\r\nsecond batch of 0\r\n';
		expect([a, b, c]).toEqual([first, first, first]);
		expect(d).toBe('\uFEFFV\r\nfirst batch of 7\r\nsecond batch of 7\r\n');
		expect(e).toBe('\uFEFFW\r\nfirst batch of 8\r\nsecond batch of 8\r\n');
		expect(reads.sort()).toEqual([0, 7, 8]);
		expect((await Promise.all(holding)).map(decode)).toEqual(
			[0, 1, 2, 3].map((n) => `\uFEFFH\r\nholder ${n}\r\n`)
		);

		// Turns are free now: a request's reading begins when it asks, and one made after that (say, by an
		// owner who has just voided a ballot) is read after it asked, not taken from the one before.
		const early = csvStreamResponse('votes.csv', ['V'], votes(3), { sharedAs: 'votes e1' }).body!.getReader();
		await early.read();
		await early.read();
		const late = csvStreamResponse('votes.csv', ['V'], votes(4), { sharedAs: 'votes e1' });
		expect(decode(await late.arrayBuffer())).toBe('\uFEFFV\r\nfirst batch of 4\r\nsecond batch of 4\r\n');
		expect(reads).toEqual([0, 7, 8, 3, 4]);
		await early.cancel();
	});

	it('gives the turn to a file being read before a file not begun, which gathers its requests meanwhile', async () => {
		const order: string[] = [];
		let open!: () => void;
		const gate = new Promise<void>((resolve) => (open = resolve));
		async function* file(name: string, gated = false) {
			if (gated) await gate;
			for (const batch of [1, 2]) {
				order.push(`${name} ${batch}`);
				yield `${name} ${batch}\r\n`;
			}
		}
		// D has begun: its first batch is read (into its stream) as its client takes the header.
		const d = csvStreamResponse('d.csv', ['D'], file('D')).body!.getReader();
		await d.read();
		await nextTick();
		// A and B take both turns until the gate opens; C, not begun, waits; then D's client asks for more.
		const held = ['A', 'B'].map((name) => csvStreamResponse('x.csv', ['X'], file(name, true)).arrayBuffer());
		await nextTick();
		const c = csvStreamResponse('c.csv', ['C'], file('C'), { sharedAs: 'c' }).arrayBuffer();
		await nextTick();
		await d.read();
		await nextTick();
		// A request for C made now joins it: C has not begun.
		const c2 = csvStreamResponse('c.csv', ['C'], file('C again'), { sharedAs: 'c' }).arrayBuffer();
		open();
		await Promise.all([...held, c, c2]);
		expect(order.indexOf('D 2')).toBeGreaterThan(-1);
		expect(order.indexOf('D 2')).toBeLessThan(order.indexOf('C 1'));
		expect(order).not.toContain('C again 1');
		await d.cancel();
	});

	it('holds the app to 4 MB of it for a client that falls behind, and goes on to the end when that client leaves', async () => {
		const megabyte = `${'x'.repeat(1024 * 1024 - 2)}\r\n`;
		let batchesRead = 0;
		async function* big() {
			for (let n = 0; n < 12; n++) {
				batchesRead++;
				yield megabyte;
			}
		}
		const fast = csvStreamResponse('big.csv', ['B'], big(), { sharedAs: 'big' }).body!.getReader();
		const slow = csvStreamResponse('big.csv', ['B'], big(), { sharedAs: 'big' }).body!.getReader();
		await slow.read();

		// The fast client reads until no chunk comes for a while.
		let received = 0;
		let read = fast.read();
		const stalled = Symbol('stalled');
		const within100ms = () =>
			Promise.race([read, new Promise<typeof stalled>((r) => setTimeout(() => r(stalled), 100))]);
		for (let result = await within100ms(); result !== stalled && !result.done; result = await within100ms()) {
			received++;
			read = fast.read();
		}
		// One batch went into the slow client's stream as it took the header; then five more, until the
		// slow client was more than 4 MB behind.
		expect(batchesRead).toBe(6);
		expect(received).toBe(7);

		await slow.cancel();
		for (let result = await read; !result.done; result = await fast.read()) received++;
		expect(batchesRead).toBe(12);
		expect(received).toBe(13);
	});

	it('does not wait for a download whose response was never read: it goes on for the others, and that one fails', async () => {
		const megabyte = `${'x'.repeat(1024 * 1024 - 2)}\r\n`;
		async function* big() {
			for (let n = 0; n < 12; n++) yield megabyte;
		}
		const read = csvStreamResponse('big.csv', ['B'], big(), { sharedAs: 'unread' });
		const dropped = csvStreamResponse('big.csv', ['B'], big(), { sharedAs: 'unread' });
		const file = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await read.arrayBuffer());
		expect(file).toBe(`\uFEFFB\r\n${megabyte.repeat(12)}`);
		await expect(dropped.arrayBuffer()).rejects.toThrow(/not read/);
	});

	it('fails for every client sharing it when its reading fails', async () => {
		async function* broken() {
			yield 'one\r\n';
			throw new Error('connection lost');
		}
		const files = [0, 1].map(() => csvStreamResponse('x.csv', ['X'], broken(), { sharedAs: 'broken' }));
		const results = await Promise.allSettled(files.map((r) => r.arrayBuffer()));
		expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
		// Nothing of the failed reading is kept for the next request.
		const again = csvStreamResponse(
			'x.csv',
			['X'],
			(async function* () {
				yield 'two\r\n';
			})(),
			{
				sharedAs: 'broken'
			}
		);
		expect(decode(await again.arrayBuffer())).toBe('\uFEFFX\r\ntwo\r\n');
	});
});

describe('the settings form', () => {
	const base = { name: 'Campfire', description: '' };

	it('reads feature flags typed as one text into a clean list', () => {
		const parsed = eventSettingsSchema.parse({ ...base, featureFlags: ' Daydream, ysws  daydream,,' });
		expect(parsed.featureFlags).toEqual(['daydream', 'ysws']);
		expect(eventSettingsSchema.parse({ ...base }).featureFlags).toEqual([]);
		expect(parsed.demoLinksOptional).toBe(false);
		expect(eventSettingsSchema.parse({ ...base, demoLinksOptional: 'on' }).demoLinksOptional).toBe(true);
	});

	it('refuses odd flags, too many flags and an empty name with a message', () => {
		const bad = (values: Record<string, string>) => eventSettingsSchema.safeParse({ ...base, ...values });
		expect(bad({ featureFlags: 'ok, <script>' }).error?.issues[0].message).toMatch(
			/feature flag is one word/
		);
		expect(bad({ featureFlags: 'x'.repeat(33) }).success).toBe(false);
		expect(bad({ featureFlags: Array.from({ length: 21 }, (_, i) => `f${i}`).join(',') }).success).toBe(
			false
		);
		expect(bad({ name: '   ' }).error?.issues[0].message).toBe('Give the event a name.');
	});
});
