import type { Cookies } from '@sveltejs/kit';
import * as client from 'openid-client';
import { config, type OidcSettings } from '../config.ts';
import { log } from '../log.ts';
import { refuseDisposableEmail } from './disposable.ts';
import { safeRedirectPath } from './redirect.ts';
import { isPlatformAdminEmail, readMaintenance } from '../maintenance/mode.ts';
import { createSession, type Session } from './sessions.ts';
import { findOrCreateUser, normaliseEmail } from './sign-in-links.ts';
import { m } from '../../paraglide/messages.js';

// "Sign in with <provider>" over OpenID Connect (authorization code flow with PKCE, state and nonce),
// with openid-client. The account is the one of the provider's *verified* email address, found or
// created exactly as an emailed link would: the provider only proves the address.

/** The path the provider sends people back to; register ORIGIN + this at the provider. */
export const OIDC_CALLBACK_PATH = '/sign-in/oidc/callback';
const FLOW_COOKIE = 'podium_oidc';
// Long enough to sign in at the provider (a password, a second factor), short enough to be useless later.
const FLOW_LIFETIME_S = 10 * 60;
const PROVIDER_TIMEOUT_S = 10;

/** The provider's name for the button, or null when OIDC sign-in is not configured. */
export function oidcProviderName(settings = config().oidc): string | null {
	return settings?.name ?? null;
}

// The provider's metadata is read for every sign-in rather than kept: one small request, and a provider
// that is down is reported as such before anyone is sent to it.
async function discover(settings: OidcSettings): Promise<client.Configuration> {
	const issuer = new URL(settings.issuer);
	// Plain http only for a provider on this machine (development, the browser tests); config.ts refuses
	// any other http issuer.
	const local = issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
	return client.discovery(issuer, settings.clientId, settings.clientSecret, undefined, {
		execute: local ? [client.allowInsecureRequests] : [],
		timeout: PROVIDER_TIMEOUT_S
	});
}

interface Flow {
	state: string;
	nonce: string;
	codeVerifier: string;
	redirectTo: string;
}

export type OidcFailure = {
	ok: false;
	reason:
		'not-configured' | 'provider-down' | 'state' | 'unverified' | 'refused' | 'disposable' | 'maintenance';
	message: string;
};

function failure(reason: OidcFailure['reason'], name: string, detail?: string): OidcFailure {
	const messages: Record<OidcFailure['reason'], string> = {
		'not-configured': m.server_oidc_not_configured(),
		'provider-down': m.server_oidc_provider_down({ name }),
		state: m.server_oidc_state({ name }),
		unverified: m.server_oidc_unverified({ name }),
		refused: detail ? m.server_oidc_refused_detail({ name, detail }) : m.server_oidc_refused({ name }),
		disposable: detail ?? '',
		maintenance: m.server_oidc_maintenance({ detail: detail ?? '' })
	};
	return { ok: false, reason, message: messages[reason] };
}

/** The sentence for a `?problem=` of /sign-in/oidc (only the reasons a start can fail with), else null. */
export function describeOidcProblem(problem: string | null, name: string): string | null {
	return problem === 'provider-down' ? failure('provider-down', name).message : null;
}

/** Whether an error means the provider could not be reached or did not answer in time. */
function isUnreachable(error: unknown): boolean {
	for (let e = error; e instanceof Error; e = e.cause) {
		if (e.name === 'TimeoutError' || e.name === 'AbortError') return true;
		if (e instanceof TypeError && /fetch failed/i.test(e.message)) return true;
		const code = (e as { code?: unknown }).code;
		if (
			typeof code === 'string' &&
			/^(ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|UND_ERR)/.test(code)
		)
			return true;
	}
	return false;
}

const cookieOptions = (url: URL) =>
	// Lax: the provider's redirect back is a top-level GET from another site, which Lax cookies survive.
	({ path: '/sign-in/oidc', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:' }) as const;

/**
 * Starts a sign-in at the provider: keeps state, nonce and the PKCE verifier in a short-lived cookie of
 * this browser and returns the provider's address to send the person to.
 */
export async function startOidcSignIn(input: {
	cookies: Cookies;
	url: URL;
	redirectTo?: string | null;
	settings?: OidcSettings | null;
}): Promise<{ ok: true; location: string } | OidcFailure> {
	const settings = input.settings === undefined ? config().oidc : input.settings;
	if (!settings) return failure('not-configured', '');
	let configuration: client.Configuration;
	try {
		configuration = await discover(settings);
	} catch (error) {
		log.warn({ err: error }, `OIDC discovery at ${settings.issuer} failed.`);
		return failure('provider-down', settings.name);
	}
	const flow: Flow = {
		state: client.randomState(),
		nonce: client.randomNonce(),
		codeVerifier: client.randomPKCECodeVerifier(),
		redirectTo: safeRedirectPath(input.redirectTo)
	};
	const location = client.buildAuthorizationUrl(configuration, {
		redirect_uri: new URL(OIDC_CALLBACK_PATH, config().origin).toString(),
		scope: 'openid email profile',
		code_challenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
		code_challenge_method: 'S256',
		state: flow.state,
		nonce: flow.nonce
	});
	input.cookies.set(FLOW_COOKIE, Buffer.from(JSON.stringify(flow)).toString('base64url'), {
		...cookieOptions(input.url),
		maxAge: FLOW_LIFETIME_S
	});
	return { ok: true, location: location.toString() };
}

function readFlow(value: string | undefined): Flow | null {
	if (!value) return null;
	try {
		const flow = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<Flow>;
		if ([flow.state, flow.nonce, flow.codeVerifier, flow.redirectTo].every((v) => typeof v === 'string'))
			return flow as Flow;
	} catch {
		// a damaged or forged cookie is no flow
	}
	return null;
}

export type OidcSignInResult =
	{ ok: true; token: string; session: Session; redirectTo: string; profileComplete: boolean } | OidcFailure;

/**
 * Finishes a sign-in on the provider's redirect back: the state must be the one this browser started
 * with, the code is exchanged with the PKCE verifier, the ID token's nonce checked, and the verified
 * email address finds or creates the account. The flow cookie is spent either way.
 */
export async function completeOidcSignIn(input: {
	cookies: Cookies;
	url: URL;
	settings?: OidcSettings | null;
	now?: Date;
	blockDisposable?: boolean;
}): Promise<OidcSignInResult> {
	const settings = input.settings === undefined ? config().oidc : input.settings;
	if (!settings) return failure('not-configured', '');
	const flow = readFlow(input.cookies.get(FLOW_COOKIE));
	input.cookies.delete(FLOW_COOKIE, cookieOptions(input.url));
	const name = settings.name;
	const returnedState = input.url.searchParams.get('state');
	// Checked here before anything else (and by openid-client again): an answer to a sign-in started
	// elsewhere must not sign anyone in, whatever it carries.
	if (!flow || !returnedState || returnedState !== flow.state) return failure('state', name);
	const providerError = input.url.searchParams.get('error');
	if (providerError) return failure('refused', name, providerError.slice(0, 100));

	let email: unknown;
	let verified: unknown;
	try {
		const configuration = await discover(settings);
		// The callback URL as registered: the provider and openid-client compare it with ORIGIN's.
		const callback = new URL(OIDC_CALLBACK_PATH, config().origin);
		callback.search = input.url.search;
		const tokens = await client.authorizationCodeGrant(configuration, callback, {
			pkceCodeVerifier: flow.codeVerifier,
			expectedState: flow.state,
			expectedNonce: flow.nonce,
			idTokenExpected: true
		});
		const claims = tokens.claims();
		email = claims?.email;
		verified = claims?.email_verified;
	} catch (error) {
		if (isUnreachable(error)) {
			log.warn({ err: error }, `OIDC provider ${settings.issuer} did not answer.`);
			return failure('provider-down', name);
		}
		log.warn({ err: error }, `OIDC sign-in at ${settings.issuer} was refused.`);
		return failure('refused', name);
	}
	if (typeof email !== 'string' || !email.includes('@') || verified !== true)
		return failure('unverified', name);
	const address = normaliseEmail(email);
	const refusal = refuseDisposableEmail(address, input.blockDisposable);
	if (refusal) return failure('disposable', name, refusal);

	// As with sign-in links (src/lib/server/maintenance/handle.ts): during maintenance only a platform
	// admin signs in; anyone else would make an account or a session, both writes.
	const maintenance = await readMaintenance();
	if (maintenance.active && !(await isPlatformAdminEmail(address))) {
		return failure('maintenance', name, maintenance.message);
	}

	const now = input.now ?? new Date();
	const user = await findOrCreateUser(address, now);
	const { token, session } = await createSession(user.id, now);
	return {
		ok: true,
		token,
		session,
		redirectTo: flow.redirectTo,
		profileComplete: user.profileCompletedAt !== null
	};
}
