/**
 * The name shown to others when a person leaves "display name" empty: their first name and the
 * initial of their last name (Ada L.), or the first name alone. The same in every language.
 */
export function defaultDisplayName(firstName: string, lastName?: string | null): string {
	const first = firstName.trim();
	const initial = lastName?.trim().charAt(0).toUpperCase();
	return initial ? `${first} ${initial}.` : first;
}
