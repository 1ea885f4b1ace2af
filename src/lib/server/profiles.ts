import { defaultDisplayName } from '../display-name.ts';
import type { ProfileInput } from '../schemas/profile.ts';
import { db } from './db.ts';

/** A person's own profile, private fields included: only ever for pages that belong to its owner. */
export interface OwnProfile {
	email: string;
	firstName: string;
	lastName: string | null;
	displayName: string;
	phone: string | null;
	street1: string | null;
	street2: string | null;
	city: string | null;
	state: string | null;
	zipCode: string | null;
	country: string | null;
	/** YYYY-MM-DD, as the date input wants it. */
	dob: string | null;
	profileComplete: boolean;
}

/** Reads the profile of `userId` for its owner (the profile page and the first-sign-in step). */
export async function getOwnProfile(userId: string): Promise<OwnProfile> {
	const user = await db.user.findUniqueOrThrow({
		where: { id: userId },
		select: {
			email: true,
			firstName: true,
			lastName: true,
			displayName: true,
			phone: true,
			street1: true,
			street2: true,
			city: true,
			state: true,
			zipCode: true,
			country: true,
			dob: true,
			profileCompletedAt: true
		}
	});
	const { dob, profileCompletedAt, ...rest } = user;
	return {
		...rest,
		dob: dob ? dob.toISOString().slice(0, 10) : null,
		profileComplete: profileCompletedAt !== null
	};
}

/**
 * Saves the profile of `userId` (already validated by profileSchema) and marks it complete. An empty
 * display name becomes "First L.". The email address is never changed here.
 */
export async function saveProfile(userId: string, input: ProfileInput, now = new Date()): Promise<void> {
	const { dob, displayName, ...fields } = input;
	await db.$transaction(async (tx) => {
		await tx.user.update({
			where: { id: userId },
			data: {
				...fields,
				displayName: displayName ?? defaultDisplayName(input.firstName, input.lastName),
				dob: dob ? new Date(`${dob}T00:00:00Z`) : null
			}
		});
		// The first completion is kept: later edits do not move it.
		await tx.user.updateMany({
			where: { id: userId, profileCompletedAt: null },
			data: { profileCompletedAt: now }
		});
	});
}

/** Keeps the language a person chose (the language switch), for every device and their mail. */
export async function saveLocale(userId: string, locale: string): Promise<void> {
	await db.user.update({ where: { id: userId }, data: { locale } });
}
