import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/lib/server/config';

const dev = (env: NodeJS.ProcessEnv) => parseConfig(env, { production: false });
const OIDC = {
	OIDC_ISSUER: 'https://accounts.example.org',
	OIDC_CLIENT_ID: 'podium',
	OIDC_CLIENT_SECRET: 'secret'
};

describe('OIDC settings', () => {
	it('are off unless issuer, client id and secret are all set; the name defaults', () => {
		expect(dev({}).oidc).toBeNull();
		expect(dev(OIDC).oidc).toEqual({
			issuer: 'https://accounts.example.org',
			clientId: 'podium',
			clientSecret: 'secret',
			name: 'your organisation'
		});
		expect(dev({ ...OIDC, OIDC_NAME: 'Hack Club' }).oidc?.name).toBe('Hack Club');
	});

	it('refuse a partial provider and a plain-http issuer on another machine', () => {
		expect(() => dev({ OIDC_ISSUER: OIDC.OIDC_ISSUER })).toThrow(/go together/);
		expect(() => dev({ ...OIDC, OIDC_ISSUER: 'http://accounts.example.org' })).toThrow(/must be an https/);
		expect(dev({ ...OIDC, OIDC_ISSUER: 'http://127.0.0.1:4452' }).oidc?.issuer).toBe('http://127.0.0.1:4452');
	});
});

describe('project check settings', () => {
	it('default to GitHub and itch.io, and take local fakes', () => {
		expect(dev({}).projectChecks).toEqual({
			githubApiUrl: 'https://api.github.com',
			githubToken: null,
			itchBaseUrl: 'https://{user}.itch.io'
		});
		const local = dev({
			GITHUB_API_URL: 'http://127.0.0.1:4453/',
			GITHUB_TOKEN: 'ghp_x',
			ITCH_BASE_URL: 'http://127.0.0.1:4454/{user}'
		});
		expect(local.projectChecks).toEqual({
			githubApiUrl: 'http://127.0.0.1:4453',
			githubToken: 'ghp_x',
			itchBaseUrl: 'http://127.0.0.1:4454/{user}'
		});
		expect(() => dev({ ITCH_BASE_URL: 'https://itch.io' })).toThrow(/containing \{user\}/);
	});
});
