import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { startMaintenanceSchema } from '../../src/lib/schemas/maintenance';
import { changeEmailSchema } from '../../src/lib/schemas/people';
import { inLocale } from '../../src/lib/server/i18n/locale';
import { maintenanceMode } from '../../src/lib/server/maintenance/handle';
import { forgetMaintenance, setMaintenance } from '../../src/lib/server/maintenance/mode';
import { grantPlatformAdmin, revokePlatformAdmin } from '../../src/lib/server/platform/admins';
import { planMerge } from '../../src/lib/server/platform/merge';
import { flagLabel } from '../../src/routes/admin/labels';
import { db } from '../helpers/db';
import * as make from '../helpers/factories';
import { adminActor } from '../helpers/platform-people';

// The platform's server functions refuse in the language of the request that calls them (here: inLocale,
// as the request's handle does); what they store in the activity log stays English.

describe('the platform in Spanish', () => {
	it('refuses in Spanish inside a Spanish request, and in English outside one', async () => {
		const { actor } = await adminActor();
		await expect(inLocale('es', () => revokePlatformAdmin(actor, actor.email))).rejects.toThrow(
			'No puedes quitarte tu propio rol de administración de la plataforma: pídeselo a otra persona que la administre'
		);
		await expect(revokePlatformAdmin(actor, actor.email)).rejects.toThrow(
			'You cannot take your own platform admin role'
		);

		const duplicate = await make.createUser({ firstName: 'Dupe' });
		await expect(inLocale('es', () => planMerge(duplicate.id, duplicate.email))).rejects.toThrow(
			'Esa es esta misma cuenta: escribe la dirección de la otra cuenta, la que se conserva.'
		);
		await expect(inLocale('es', () => planMerge(duplicate.id, 'nadie-aqui@example.test'))).rejects.toThrow(
			'Ninguna cuenta tiene la dirección nadie-aqui@example.test: revisa cómo está escrita.'
		);

		const someone = await make.createUser({ firstName: 'Someone' });
		const notAdmin = { id: someone.id, displayName: someone.displayName, email: someone.email };
		await expect(
			inLocale('es', () => setMaintenance(notAdmin, { active: true, message: 'Volvemos pronto.' }))
		).rejects.toThrow(
			'Solo quien administra la plataforma puede activar o desactivar el modo de mantenimiento.'
		);
	});

	it('words the forms’ refusals and the health flags in Spanish, read at use', () => {
		// Zod words an issue when it is read: read inside the request, as the form actions do.
		const bad = inLocale('es', () => changeEmailSchema.safeParse({ email: 'no es un correo' }).error?.issues);
		expect(bad?.[0].message).toBe('Eso no es una dirección de correo.');
		const empty = inLocale('es', () => startMaintenanceSchema.safeParse({ message: '  ' }).error?.issues);
		expect(empty?.[0].message).toMatch(/^Escribe el mensaje que verá la gente/);
		expect(changeEmailSchema.safeParse({ email: '' }).error?.issues[0].message).toBe('Type the new address.');

		expect(inLocale('es', () => flagLabel('draft_with_attendees'))).toBe('Borrador con participantes');
		expect(flagLabel('draft_with_attendees')).toBe('Draft with attendees');
	});

	it('keeps the activity log in English when a Spanish-speaking admin acts', async () => {
		const { actor } = await adminActor();
		const person = await make.createUser({ firstName: 'Lucía' });
		await inLocale('es', () => grantPlatformAdmin(actor, person.email));
		const row = await db.platformAuditLog.findFirstOrThrow({
			where: { targetUserId: person.id, action: 'platform_admin_granted' }
		});
		expect(row.summary).toBe(`Made ${person.email} a platform admin.`);
	});

	it('words the maintenance refusal page around the admin’s own message in Spanish', async () => {
		const { actor } = await adminActor();
		const message = 'Moving to the new database: back by 18:00 UTC.';
		await setMaintenance(actor, { active: true, message });
		try {
			const url = new URL('http://podium.test/profile');
			const event = {
				url,
				params: {},
				locals: { user: null, session: null },
				request: new Request(url, { method: 'POST', headers: { accept: 'text/html' } }),
				route: { id: null }
			} as unknown as RequestEvent;
			const response = await inLocale('es', () =>
				maintenanceMode({ event, resolve: async () => new Response('the route ran') })
			);
			expect(response.status).toBe(503);
			const html = await response.text();
			expect(html).toContain('<html lang="es">');
			expect(html).toContain('<h1>Podium está en mantenimiento de solo lectura</h1>');
			expect(html).toContain(`<p>${message}</p>`);
			expect(html).toContain('Volver a la página</a> · <a href="/">Página de inicio</a>');
		} finally {
			await db.maintenanceMode.deleteMany();
			forgetMaintenance();
		}
	});
});
