import { describe, expect, it } from 'vitest';
import { firstErrors, profileSchema, signInSchema } from '../../src/lib/schemas/profile';

const base = { firstName: 'Ada' };

function errorsOf(input: Record<string, unknown>) {
	const result = profileSchema.safeParse(input);
	return result.success ? {} : firstErrors(result.error);
}

describe('profileSchema', () => {
	it('needs only a first name; empty optional fields become null', () => {
		const result = profileSchema.parse({ ...base, lastName: '', phone: '  ', country: '', dob: '' });
		expect(result).toMatchObject({ firstName: 'Ada', lastName: null, phone: null, country: null, dob: null });
	});

	it('refuses a missing or blank first name with a clear message', () => {
		expect(errorsOf({})).toEqual({ firstName: 'Tell us your first name.' });
		expect(errorsOf({ firstName: '   ' })).toEqual({ firstName: 'Tell us your first name.' });
	});

	it('trims, upper-cases the country and accepts a full profile', () => {
		const result = profileSchema.parse({
			firstName: ' Ada ',
			lastName: 'Lovelace',
			displayName: 'Countess',
			phone: '+44 (20) 7946-0958',
			street1: '12 St James Square',
			street2: '',
			city: 'London',
			state: '',
			zipCode: 'SW1Y 4JH',
			country: 'gb',
			dob: '1999-12-10'
		});
		expect(result).toMatchObject({ firstName: 'Ada', country: 'GB', dob: '1999-12-10', street2: null });
	});

	it.each([
		[{ country: 'XX' }, 'country', 'Choose a country from the list.'],
		[{ country: 'Germany' }, 'country', 'Country can be at most 2 characters.'],
		[{ dob: '2001-02-30' }, 'dob', 'Date of birth must be a real date, as YYYY-MM-DD.'],
		[{ dob: '12/10/1999' }, 'dob', 'Date of birth must be a real date, as YYYY-MM-DD.'],
		[{ dob: '1850-01-01' }, 'dob', 'Date of birth must be after 1900.'],
		[{ dob: '2999-01-01' }, 'dob', 'Date of birth cannot be in the future.'],
		[
			{ phone: 'call me' },
			'phone',
			'Phone can hold digits, spaces, + ( ) - and . only, with at least 5 digits.'
		],
		[{ phone: '123' }, 'phone', 'Phone can hold digits, spaces, + ( ) - and . only, with at least 5 digits.'],
		[{ firstName: 'A'.repeat(51) }, 'firstName', 'First name can be at most 50 characters.'],
		[{ zipCode: '1'.repeat(21) }, 'zipCode', 'ZIP or postal code can be at most 20 characters.']
	])('refuses %j', (fields, field, message) => {
		expect(errorsOf({ ...base, ...fields })[field]).toBe(message);
	});

	it('has no email field: the address cannot be changed through the profile', () => {
		const result = profileSchema.parse({ ...base, email: 'someone-else@example.test' });
		expect(result).not.toHaveProperty('email');
	});
});

describe('signInSchema', () => {
	it('accepts an address and refuses what is not one', () => {
		expect(signInSchema.parse({ email: ' Ada@Example.TEST ' }).email).toBe('Ada@Example.TEST');
		expect(signInSchema.safeParse({ email: '' }).error?.issues[0].message).toBe('Type your email address.');
		expect(signInSchema.safeParse({ email: 'ada' }).error?.issues[0].message).toBe(
			'That does not look like an email address.'
		);
	});
});
