// Labels shared by the charts. Months arrive as YYYY-MM (UTC calendar months).

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-03" → "Mar". */
export const shortMonth = (month: string) => MONTHS[Number(month.slice(5, 7)) - 1] ?? month;

/** "2026-03" → "Mar 2026". */
export const longMonth = (month: string) => `${shortMonth(month)} ${month.slice(0, 4)}`;

const numbers = new Intl.NumberFormat('en');
/** 12345 → "12,345". */
export const formatNumber = (value: number) => numbers.format(value);

/** Every how many'th category to label so that labels of about `width` units fit `room` units. */
export const labelEvery = (count: number, room: number, width: number) =>
	Math.max(1, Math.ceil((count * width) / room));

/** The chart's drawing area inside the viewBox (the same for every chart, so they line up). */
export const FRAME = { width: 360, height: 200, top: 10, right: 8, bottom: 34, left: 42 };
