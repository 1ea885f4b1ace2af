/** The name shown to others when a person leaves "display name" empty: "Ada L.", or "Ada" alone. */
export function defaultDisplayName(firstName: string, lastName?: string | null): string {
	const first = firstName.trim();
	const initial = lastName?.trim().charAt(0).toUpperCase();
	return initial ? `${first} ${initial}.` : first;
}
