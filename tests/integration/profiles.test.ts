import { describe, expect, it } from 'vitest';
import { profileSchema } from '../../src/lib/schemas/profile';
import { getOwnProfile, saveProfile } from '../../src/lib/server/profiles';
import { db } from '../helpers/db';

describe('profiles', () => {
	it('the first save completes the profile and fills in "First L." for an empty display name', async () => {
		const user = await db.user.create({ data: { email: 'first@example.test' } });
		expect((await getOwnProfile(user.id)).profileComplete).toBe(false);

		await saveProfile(
			user.id,
			profileSchema.parse({ firstName: 'Ada', lastName: 'Lovelace', dob: '2007-03-04', country: 'gb' })
		);
		const profile = await getOwnProfile(user.id);
		expect(profile).toMatchObject({
			email: 'first@example.test',
			firstName: 'Ada',
			lastName: 'Lovelace',
			displayName: 'Ada L.',
			dob: '2007-03-04',
			country: 'GB',
			profileComplete: true
		});
	});

	it('later edits keep the first completion time, clear emptied fields and never touch the email', async () => {
		const user = await db.user.create({ data: { email: 'edit@example.test' } });
		await saveProfile(user.id, profileSchema.parse({ firstName: 'Bo', phone: '+1 555 0100', city: 'Oslo' }));
		const completedAt = (await db.user.findUniqueOrThrow({ where: { id: user.id } })).profileCompletedAt;

		await saveProfile(
			user.id,
			profileSchema.parse({
				firstName: 'Bo',
				displayName: 'Bobo',
				phone: '',
				city: 'Bergen',
				email: 'x@evil.test'
			})
		);
		const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
		expect(row).toMatchObject({
			email: 'edit@example.test',
			displayName: 'Bobo',
			phone: null,
			city: 'Bergen'
		});
		expect(row.profileCompletedAt).toEqual(completedAt);
	});
});
