import type { SubmitFunction } from '@sveltejs/kit';

/**
 * The DOM event a form enhanced with `pending` dispatches when it starts waiting for the server and when
 * the answer has been applied; `detail` says which (SubmitButton listens to it on its own form).
 */
export const PENDING_EVENT = 'podium:pending';
export type PendingDetail = { busy: boolean; submitter: HTMLElement | null };

// Forms waiting for an answer. A second submit meanwhile (Enter pressed twice, a script) is dropped: the
// buttons are disabled too, but implicit submission and other buttons could still send it.
const waiting = new WeakSet<HTMLFormElement>();

/**
 * `use:enhance={pending()}`: the form shows that it is being sent (its SubmitButtons disabled, the one
 * pressed saying e.g. "Creating…", `aria-busy` on the form) until the answer has been applied, and is
 * sent once. `submit` is an ordinary enhance callback for forms that need their own.
 */
export function pending(submit?: SubmitFunction): SubmitFunction {
	return async (input) => {
		const form = input.formElement;
		if (waiting.has(form)) return input.cancel();
		let cancelled = false;
		const after = await submit?.({
			...input,
			cancel: () => {
				cancelled = true;
				input.cancel();
			}
		});
		if (cancelled) return;
		announce(form, true, input.submitter);
		return async (result) => {
			try {
				if (after) await after(result);
				else await result.update();
			} finally {
				announce(form, false, input.submitter);
			}
		};
	};
}

function announce(form: HTMLFormElement, busy: boolean, submitter: HTMLElement | null) {
	if (busy) waiting.add(form);
	else waiting.delete(form);
	if (busy) form.setAttribute('aria-busy', 'true');
	else form.removeAttribute('aria-busy');
	form.dispatchEvent(new CustomEvent<PendingDetail>(PENDING_EVENT, { detail: { busy, submitter } }));
}
