import { json, type Handle, type RequestEvent } from '@sveltejs/kit';
import { resolve as resolvePath } from '$app/paths';
import { inspectSignInLink } from '../auth/sign-in-links.ts';
import { formOf } from '../http/form-body.ts';
import { logClientError } from '../http/refusals.ts';
import { isPlatformAdminEmail, readMaintenance } from './mode.ts';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

// While maintenance is on, every write is refused with its message and a 503 (with Retry-After: the
// ballot page keeps an unsent ballot and sends it again by itself once the window ends), except:
// platform admins (they run the window), signing in as a platform admin (so they can get in at all),
// and signing out. Here rather than in each action: a new action is covered without anyone remembering to.

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const RETRY_AFTER_SECONDS = '30';
const HEADERS = { 'retry-after': RETRY_AFTER_SECONDS, 'cache-control': 'no-store' };
// Join links join on a GET (when opened from this site): writes too.
const JOIN_LINK = /^\/(projects\/)?join\/[^/]+\/?$/;

async function formField(event: RequestEvent, name: string): Promise<unknown> {
	try {
		return (await formOf(event.request)).get(name);
	} catch {
		return undefined;
	}
}

/** The writes that stay open: signing out, and signing in as a platform admin. */
async function isExempt(event: RequestEvent): Promise<boolean> {
	const path = event.url.pathname.replace(/\/$/, '');
	if (event.request.method !== 'POST') return false;
	if (path === '/sign-out') return true;
	// Asking for a link stays open to every address: refusing all but admins' would tell anyone which
	// addresses are platform admins. The link itself signs in only a platform admin until the end.
	if (path === '/sign-in') return true;
	if (path === '/sign-in/verify') {
		const link = await inspectSignInLink(await formField(event, 'token'));
		return link.state !== 'invalid' && isPlatformAdminEmail(link.email);
	}
	return false;
}

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The refusal in the form the client reads: an enhanced form's ActionResult, JSON, or a plain page. */
function refusal(event: RequestEvent, message: string): Response {
	logClientError(event, 503, 'Refused during maintenance');
	const body = { message, reason: 'maintenance' };
	if (event.request.headers.get('x-sveltekit-action') === 'true') {
		return json({ type: 'error', error: body }, { status: 503, headers: HEADERS });
	}
	if (!(event.request.headers.get('accept') ?? '').includes('text/html')) {
		return json(body, { status: 503, headers: HEADERS });
	}
	// A browser without JavaScript: a page that stands alone and leads back (the GET of the same page).
	const back = escapeHtml(event.url.pathname);
	const page = `<!doctype html>
<html lang="${getLocale()}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${m.people_maintenance_title()}</title>
</head>
<body>
<main>
<h1>${m.people_maintenance_heading()}</h1>
<p>${escapeHtml(message)}</p>
<p>${m.people_maintenance_nothing_saved()}</p>
<p><a href="${back}">${m.people_maintenance_back()}</a> · <a href="${resolvePath('/')}">${m.people_maintenance_home()}</a></p>
</main>
</body>
</html>
`;
	return new Response(page, {
		status: 503,
		headers: { ...HEADERS, 'content-type': 'text/html; charset=utf-8' }
	});
}

/** Refuses writes during maintenance (after the session handle: platform admins pass). */
export const maintenanceMode: Handle = async ({ event, resolve }) => {
	const write = !READS.has(event.request.method) || JOIN_LINK.test(event.url.pathname);
	if (!write) return resolve(event);
	const state = await readMaintenance();
	if (!state.active || event.locals.user?.isPlatformAdmin || (await isExempt(event))) return resolve(event);
	return refusal(event, state.message);
};
