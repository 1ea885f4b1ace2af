import QRCode from 'qrcode';
import { db } from '../db.ts';
import { generateJoinCode } from '../join-codes.ts';
import { isUniqueViolation } from '../rules.ts';
import { lockOwnedEvent, type Actor } from './access.ts';
import { recordAuditEntry } from './audit.ts';

/**
 * The link that joins the event at once when opened by someone signed in (see routes/join/[code]).
 * `origin` is ORIGIN (config().origin): never the request's Host, which a client chooses.
 */
export function joinLinkFor(origin: string, joinCode: string): string {
	return `${origin}/join/${encodeURIComponent(joinCode)}`;
}

/**
 * A QR code of `link` as an SVG document: vector squares with a viewBox, so it stays sharp from a phone
 * screen to a poster. Error correction "M" survives a smudged or partly covered print.
 */
export async function renderQrSvg(link: string): Promise<string> {
	return QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** Gives the event a new join code: the old code, link and printed QR codes stop working at once. */
export async function regenerateEventJoinCode(actor: Actor, eventId: string) {
	for (let attempt = 0; ; attempt++) {
		try {
			return await db.$transaction(async (tx) => {
				const event = await lockOwnedEvent(tx, actor.id, eventId);
				const joinCode = generateJoinCode();
				await tx.event.update({ where: { id: eventId }, data: { joinCode } });
				await recordAuditEntry(tx, {
					event,
					actor,
					action: 'join_code_regenerated',
					// i18n-ignore: the audit record is stored, and read by every owner in one language
					summary: `Replaced the join code ${event.joinCode}; the old code and its link no longer work.`,
					details: { oldJoinCode: event.joinCode }
				});
				return { joinCode, oldJoinCode: event.joinCode };
			});
		} catch (error) {
			// A clash with another event's code is rare: draw again.
			if (!isUniqueViolation(error) || attempt >= 5) throw error;
		}
	}
}
