import MailChecker from 'mailchecker';
import { config } from '../config.ts';
import { m } from '../../paraglide/messages.js';

// mailchecker is CommonJS: its functions arrive as the default export under Node's ESM loader.
const disposableDomains = MailChecker.blacklist();

/** Whether the address is at a known disposable-mail domain (or a subdomain of one). */
export function isDisposableEmail(email: string): boolean {
	let domain = email.trim().toLowerCase().split('@').pop() ?? '';
	while (domain) {
		if (disposableDomains.has(domain)) return true;
		const dot = domain.indexOf('.');
		domain = dot === -1 ? '' : domain.slice(dot + 1);
	}
	return false;
}

/** The sentence that refuses a disposable address, in the request's language. */
export const disposableEmailMessage = () => m.server_disposable_email();

/**
 * The sentence that refuses `email` when this instance blocks disposable addresses
 * (BLOCK_DISPOSABLE_EMAIL), else null. Every way of signing in asks it before creating or using an account.
 */
export function refuseDisposableEmail(email: string, block = config().blockDisposableEmail): string | null {
	return block && isDisposableEmail(email) ? disposableEmailMessage() : null;
}
