import type { RequestEvent } from '@sveltejs/kit';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../src/lib/server/auth/sessions';
import { generateToken, hashToken } from '../../src/lib/server/auth/tokens';
import { maintenanceMode } from '../../src/lib/server/maintenance/handle';
import {
	forgetMaintenance,
	MAINTENANCE_CACHE_MS,
	readMaintenance,
	setMaintenance
} from '../../src/lib/server/maintenance/mode';
import { RuleViolation } from '../../src/lib/server/rules';
import { discoverRoutes, pathOf } from '../e2e/helpers/routes';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';

// Read-only maintenance refuses every write with its message and a 503, for everyone but platform
// admins. This walks every form action the route files declare (a new one is walked without anyone
// editing this test) through the app's maintenance handle; the browser test does the same against the
// built server.

const MESSAGE = 'Moving to the new database: back by 18:00 UTC.';

async function people() {
	const attendee = await make.createUser({ firstName: 'Attendee' });
	const admin = await make.createUser({ firstName: 'Admin' });
	await db.user.update({ where: { id: admin.id }, data: { platformAdminSince: new Date() } });
	const asSession = (user: typeof admin, isPlatformAdmin: boolean): SessionUser => ({
		id: user.id,
		email: user.email,
		firstName: user.firstName,
		lastName: user.lastName,
		displayName: user.displayName,
		profileComplete: true,
		isPlatformAdmin
	});
	return { attendee, admin, attendeeUser: asSession(attendee, false), adminUser: asSession(admin, true) };
}

function requestEvent(
	method: string,
	path: string,
	user: SessionUser | null,
	options: { body?: Record<string, string>; enhanced?: boolean } = {}
) {
	const url = new URL(`http://podium.test${path}`);
	const headers: Record<string, string> = options.enhanced
		? { accept: 'application/json', 'x-sveltekit-action': 'true' }
		: { accept: 'text/html,application/xhtml+xml' };
	const init: RequestInit = { method, headers };
	if (options.body) init.body = new URLSearchParams(options.body);
	return {
		url,
		params: {},
		locals: { user, session: null },
		request: new Request(url, init),
		route: { id: null }
	} as unknown as RequestEvent;
}

/** Runs the handle; `reached` says whether the request got past it to the route. */
async function through(event: RequestEvent) {
	let reached = false;
	const response = await maintenanceMode({
		event,
		resolve: async () => {
			reached = true;
			return new Response('the route ran', { status: 200 });
		}
	});
	return { reached, response };
}

async function turnOn() {
	const { admin } = await people();
	await setMaintenance(admin, { active: true, message: MESSAGE });
}

afterEach(async () => {
	await db.maintenanceMode.deleteMany();
	forgetMaintenance();
});

const actions = discoverRoutes().flatMap((route) =>
	route.actions.map((action) => {
		const path = pathOf(
			route,
			Object.fromEntries(route.params.map((name) => [name, name === 'id' ? crypto.randomUUID() : 'walk']))
		);
		return { route: route.id, action, url: action === 'default' ? path : `${path}?/${action}` };
	})
);

describe('maintenance mode', () => {
	it('finds the form actions of the route files', () => {
		expect(actions.length).toBeGreaterThanOrEqual(40);
		expect(actions.map((a) => a.url)).toEqual(
			expect.arrayContaining([
				'/events/walk/vote',
				'/events/walk/admin?/changePhase',
				'/admin/maintenance?/start'
			])
		);
	});

	it('refuses every form action with the message and a 503, with and without JavaScript', async () => {
		const { attendeeUser } = await people();
		await turnOn();
		const problems: string[] = [];
		for (const { url } of actions) {
			if (url === '/sign-out' || url === '/sign-in' || url === '/sign-in/verify') continue;
			for (const user of [attendeeUser, null]) {
				const page = await through(requestEvent('POST', url, user, { body: { name: 'x' } }));
				const html = await page.response.text();
				if (page.reached || page.response.status !== 503 || !html.includes(MESSAGE)) {
					problems.push(`${user ? 'attendee' : 'visitor'} POST ${url} → ${page.response.status}`);
				}
				const enhanced = await through(
					requestEvent('POST', url, user, { body: { name: 'x' }, enhanced: true })
				);
				const result = (await enhanced.response.json()) as { type: string; error: { message: string } };
				if (enhanced.reached || enhanced.response.status !== 503 || result.type !== 'error') {
					problems.push(
						`${user ? 'attendee' : 'visitor'} enhanced POST ${url} → ${enhanced.response.status}`
					);
				}
				if (result.error?.message !== MESSAGE) problems.push(`${url}: message ${result.error?.message}`);
				if (enhanced.response.headers.get('retry-after') === null) problems.push(`${url}: no Retry-After`);
			}
		}
		expect(problems).toEqual([]);
	});

	it('lets platform admins, page views and (with maintenance off) everyone through', async () => {
		const { attendeeUser, adminUser } = await people();
		await turnOn();
		for (const { url } of actions) {
			expect((await through(requestEvent('POST', url, adminUser, { body: {} }))).reached, url).toBe(true);
		}
		expect((await through(requestEvent('GET', '/events/walk', attendeeUser))).reached).toBe(true);
		expect((await through(requestEvent('GET', '/directory', null))).reached).toBe(true);

		await setMaintenance(adminUser, { active: false });
		for (const { url } of actions) {
			expect((await through(requestEvent('POST', url, attendeeUser, { body: {} }))).reached, url).toBe(true);
		}
	});

	it('refuses join links (they join on a GET), and lets anyone sign out', async () => {
		const { attendeeUser } = await people();
		await turnOn();
		for (const path of ['/join/ABC234', '/projects/join/ABC234']) {
			const answer = await through(requestEvent('GET', path, attendeeUser));
			expect(answer.reached, path).toBe(false);
			expect(answer.response.status).toBe(503);
		}
		expect((await through(requestEvent('POST', '/sign-out', attendeeUser))).reached).toBe(true);
	});

	it("signs in platform admins only: anyone may ask for a link, only an admin's link signs in", async () => {
		const { attendee, admin } = await people();
		await turnOn();
		const linkFor = async (email: string) => {
			const token = generateToken();
			await db.signInLink.create({
				data: { tokenHash: hashToken(token), email, expiresAt: new Date(Date.now() + 600_000) }
			});
			return token;
		};
		// Refusing the request itself would tell anyone which addresses are platform admins.
		const asked = await through(requestEvent('POST', '/sign-in', null, { body: { email: attendee.email } }));
		expect(asked.reached).toBe(true);

		const adminLink = await through(
			requestEvent('POST', '/sign-in/verify', null, { body: { token: await linkFor(admin.email) } })
		);
		expect(adminLink.reached).toBe(true);
		const attendeeLink = await through(
			requestEvent('POST', '/sign-in/verify', null, { body: { token: await linkFor(attendee.email) } })
		);
		expect(attendeeLink.reached).toBe(false);
		expect(attendeeLink.response.status).toBe(503);
	});

	it('is stored in the database: another instance sees a change within the cache time', async () => {
		const { admin, attendee } = await people();
		const started = await setMaintenance(admin, { active: true, message: `  ${MESSAGE} ` });
		expect(started).toEqual({ active: true, message: MESSAGE });
		const now = Date.now();
		expect(await readMaintenance(now)).toMatchObject({ active: true, message: MESSAGE });

		// Another instance ends it: this one keeps its copy for at most MAINTENANCE_CACHE_MS.
		await db.maintenanceMode.update({ where: { id: 1 }, data: { active: false } });
		expect((await readMaintenance(now + 1_000)).active).toBe(true);
		expect((await readMaintenance(now + MAINTENANCE_CACHE_MS + 1)).active).toBe(false);

		const log = await db.platformAuditLog.findFirstOrThrow({
			where: { actorId: admin.id, action: 'maintenance_started' }
		});
		expect(log.summary).toContain(MESSAGE);

		// Only platform admins switch it, and never on without a message.
		const notAdmin = { id: attendee.id, displayName: attendee.displayName, email: attendee.email };
		await expect(setMaintenance(notAdmin, { active: true, message: 'x' })).rejects.toMatchObject({
			status: 403
		});
		await expect(setMaintenance(admin, { active: true, message: '  ' })).rejects.toBeInstanceOf(
			RuleViolation
		);
		await expect(
			db.maintenanceMode.update({ where: { id: 1 }, data: { active: true, message: '' } })
		).rejects.toThrow();
	});
});
