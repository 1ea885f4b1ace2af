/** How many rows an admin table shows at a time: quick to render and to read at 2,000 attendees. */
export const PAGE_SIZE = 50;

/** A requested page (1-based) and an optional search text, as read from the query string. */
export interface PageRequest {
	page: number;
	q?: string;
}

/** Reads `?page=` and `?q=`: anything odd falls back to the first page and no search. */
export function readPageRequest(params: URLSearchParams): PageRequest {
	const page = Number.parseInt(params.get('page') ?? '', 10);
	const q = (params.get('q') ?? '').trim().slice(0, 200);
	return { page: Number.isSafeInteger(page) && page > 0 ? page : 1, q: q || undefined };
}

/** The rows to fetch for a page, clamped to the last page, and what the pager shows. */
export function pageOf(request: PageRequest, total: number) {
	const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));
	const page = Math.min(request.page, pageCount);
	return {
		skip: (page - 1) * PAGE_SIZE,
		take: PAGE_SIZE,
		info: { page, pageCount, total, pageSize: PAGE_SIZE, q: request.q ?? '' }
	};
}
