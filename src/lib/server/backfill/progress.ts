// Progress of a run: a bar per table on a terminal, plain log lines elsewhere (CI, files, pipes).

export type ProgressMode = 'bars' | 'lines' | 'none';

export interface Progress {
	/** Records of a table read so far; `expected` when a previous snapshot says how many there are. */
	fetched(table: string, records: number, done: boolean, expected?: number): void;
	written(table: string, rows: number, tablesDone: number, tablesTotal: number): void;
	log(message: string): void;
	stop(): void;
}

interface Line {
	label: string;
	count: number;
	total?: number;
	started: number;
	/** When it finished: its figures stop there. */
	finished?: number;
	done: boolean;
	unit: string;
}

const number = (n: number) => n.toLocaleString('en-US');

function seconds(ms: number): string {
	const s = Math.round(ms / 1000);
	return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function describe(line: Line, bar: boolean): string {
	const elapsed = (line.finished ?? Date.now()) - line.started;
	const rate = elapsed > 0 ? (line.count * 1000) / elapsed : 0;
	const parts = [line.label.padEnd(28)];
	if (bar) {
		const width = 20;
		const share = line.done ? 1 : line.total ? Math.min(1, line.count / line.total) : 0;
		const filled = Math.round(share * width);
		parts.push(
			line.total || line.done
				? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`
				: `[${'?'.repeat(width)}]`
		);
	}
	parts.push(`${number(line.count)}${line.total ? `/${number(line.total)}` : ''} ${line.unit}`);
	if (elapsed > 500) parts.push(`${number(Math.round(rate))}/s`);
	if (line.done) parts.push(`done in ${seconds(elapsed)}`);
	else if (line.total && rate > 0) parts.push(`~${seconds(((line.total - line.count) / rate) * 1000)} left`);
	return parts.join('  ');
}

/** A progress display for `stream`: bars need a terminal, lines suit logs. */
export function createProgress(mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr): Progress {
	const lines = new Map<string, Line>();
	let drawn = 0;
	let lastDraw = 0;
	const lastLog = new Map<string, number>();

	const draw = (force = false) => {
		if (mode !== 'bars' || (!force && Date.now() - lastDraw < 100)) return;
		lastDraw = Date.now();
		let out = drawn > 0 ? `\x1b[${drawn}A` : '';
		for (const line of lines.values()) out += `\x1b[2K${describe(line, true)}\n`;
		drawn = lines.size;
		stream.write(out);
	};

	const update = (key: string, label: string, unit: string, count: number, done: boolean, total?: number) => {
		const line = lines.get(key) ?? { label, count: 0, started: Date.now(), done: false, unit };
		Object.assign(line, { count, done, total: total ?? line.total });
		if (done) line.finished ??= Date.now();
		lines.set(key, line);
		if (mode === 'bars') draw(done);
		if (mode === 'lines' && (done || Date.now() - (lastLog.get(key) ?? 0) > 2000)) {
			lastLog.set(key, Date.now());
			stream.write(`${describe(line, false)}\n`);
		}
	};

	return {
		fetched(table, records, done, expected) {
			update(`fetch:${table}`, `read ${table}`, 'records', records, done, expected);
		},
		written(table, rows, tablesDone, tablesTotal) {
			update(`write:${table}`, `write ${table}`, 'rows', rows, true);
			if (mode === 'lines') stream.write(`import: ${tablesDone}/${tablesTotal} tables written\n`);
		},
		log(message) {
			if (mode === 'none') return;
			if (mode === 'bars') {
				// Messages go above the bars: clear them, print, draw them again below.
				stream.write(`${drawn > 0 ? `\x1b[${drawn}A\x1b[0J` : ''}${message}\n`);
				drawn = 0;
				draw(true);
			} else stream.write(`${message}\n`);
		},
		stop() {
			draw(true);
		}
	};
}
