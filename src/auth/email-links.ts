import type { Db } from '../db/knex.js';
import type { JobQueue } from '../jobs/queue.js';
import { emailTaken, findPasswordHashById, markEmailVerified, moveToEmail, resetPasswordHash } from '../users/email-queries.js';
import { Conflict, ValidationFailed } from '../web/errors.js';
import { endAllSessions } from './session-queries.js';
import { hashPassword, verifyPassword } from './password.js';
import { spendOtherTokens } from './token-queries.js';
import { spendToken, type TokenProblem } from './tokens.js';

/** Why a link did not work, said so a musician knows what to do next. */
export const LINK_PROBLEMS: Record<TokenProblem | 'stale', { status: number; title: string; text: string }> = {
  unknown: { status: 400, title: 'This link does not work', text: 'The link is incomplete or was never ours. Copy the whole address from the mail, or ask for a new link.' },
  used: { status: 410, title: 'This link was already used', text: 'Each link works once, and this one has been followed already. If you still need it, ask for a new link.' },
  expired: { status: 410, title: 'This link has expired', text: 'For your safety links stop working after a while. Ask for a new link and use it soon.' },
  stale: { status: 410, title: 'This link is out of date', text: 'The account’s email address changed after this link was sent, so the link no longer counts. Ask for a new link.' },
};

export type LinkOutcome<T> = { ok: true; value: T } | { ok: false; problem: keyof typeof LINK_PROBLEMS };

/**
 * A followed verify or change-email link: the address is proven, or the account moves to
 * the new one. Either way the token is spent in the same transaction as the change.
 */
export async function confirmEmailLink(db: Db, token: unknown): Promise<LinkOutcome<'verified' | 'changed'>> {
  try {
    return await db.transaction(async (trx) => {
      const checked = await spendToken(trx, token, ['verify-email', 'change-email']);
      if (!checked.ok) return checked;
      const t = checked.token;
      const done = t.purpose === 'change-email' && t.new_email ? await moveToEmail(trx, t.user_id, t.email, t.new_email) : await markEmailVerified(trx, t.user_id, t.email);
      if (!done) throw new StaleLink();
      return { ok: true as const, value: t.purpose === 'change-email' ? ('changed' as const) : ('verified' as const) };
    });
  } catch (err) {
    // Rolled back, so the token is not spent: nothing happened.
    if (err instanceof StaleLink) return { ok: false, problem: 'stale' };
    if ((err as { code?: string }).code === '23505') throw new Conflict('That address now belongs to another SoundHub account, so yours was not moved to it.');
    throw err;
  }
}
class StaleLink extends Error {}

/**
 * A followed reset link with the new password: the password changes, every other reset
 * link dies, and every session of the account ends (the caller signs this browser in).
 */
export async function resetPasswordFromLink(db: Db, token: unknown, password: string): Promise<LinkOutcome<{ userId: number }>> {
  const passwordHash = await hashPassword(password);
  try {
    return await db.transaction(async (trx) => {
      const checked = await spendToken(trx, token, ['reset-password']);
      if (!checked.ok) return checked;
      const t = checked.token;
      if (!(await resetPasswordHash(trx, t.user_id, t.email, passwordHash))) throw new StaleLink();
      await spendOtherTokens(trx, t.user_id, 'reset-password');
      await endAllSessions(trx, t.user_id);
      return { ok: true as const, value: { userId: t.user_id } };
    });
  } catch (err) {
    if (err instanceof StaleLink) return { ok: false, problem: 'stale' };
    throw err;
  }
}

/**
 * A signed-in musician asks to move their account to `newEmail`: with their current
 * password, a link goes to the new address and a notice to the old one. An address that
 * belongs to another account gets no mail but the same answer, so this page can't be used
 * to find out who has an account.
 */
export async function requestEmailChange(input: { userId: number; currentEmail: string; newEmail: string; password: string }, { db, jobs }: { db: Db; jobs: JobQueue }): Promise<void> {
  const hash = await findPasswordHashById(db, input.userId);
  if (!hash || !(await verifyPassword(hash, input.password))) throw new ValidationFailed({ password: 'That is not your current password.' });
  if (input.newEmail.toLowerCase() === input.currentEmail.toLowerCase()) throw new ValidationFailed({ email: 'That is already your address.' });
  if (await emailTaken(db, input.newEmail)) return;
  await jobs.sendMail({ kind: 'change-email', userId: input.userId, newEmail: input.newEmail });
  await jobs.sendMail({ kind: 'email-change-notice', userId: input.userId, newEmail: input.newEmail });
}
