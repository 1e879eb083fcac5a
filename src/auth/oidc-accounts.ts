import type { Db } from '../db/knex.js';
import { findLoginByEmail, findUserById, insertUserWithoutPassword, type UserRow } from '../users/queries.js';
import { ValidationFailed } from '../web/errors.js';
import { findUserIdByIdentity, insertIdentity } from './identity-queries.js';
import { SignInRefused, type ProviderClaims } from './oidc-client.js';

/** A provider identity not linked to any account yet, kept in the session until the musician finishes. */
export interface PendingIdentity {
  provider: string;
  providerName: string;
  subject: string;
  email: string;
  /** A nickname to offer on the welcome page. */
  suggestedNickname: string;
  /** Set when an account already has this email: it is linked only once its owner proves it. */
  existingUserId?: number;
  next: string;
  at: number;
}

export type IdentityOutcome =
  | { kind: 'signed-in'; user: UserRow }
  | { kind: 'choose-nickname'; pending: PendingIdentity }
  | { kind: 'prove-ownership'; pending: PendingIdentity };

/**
 * What a provider's sign-in leads to. A linked identity signs in to its account. Otherwise the
 * email decides: an account that has it must be proven (never linked silently: whoever
 * controls an identity with that email would take the account over); a new email makes a
 * new account once the musician picks a nickname.
 */
export async function resolveIdentity(
  claims: ProviderClaims,
  context: { provider: string; providerName: string; next: string },
  { db }: { db: Db },
): Promise<IdentityOutcome> {
  const userId = await findUserIdByIdentity(db, context.provider, claims.subject);
  const linked = userId === undefined ? undefined : await findUserById(db, userId);
  if (linked) return { kind: 'signed-in', user: linked };
  if (!claims.email || !claims.emailVerified) {
    throw new SignInRefused(`${context.providerName} did not share a verified email address, which SoundHub needs for your account. Sign up with your email instead.`);
  }
  const pending: PendingIdentity = { ...context, subject: claims.subject, email: claims.email, suggestedNickname: suggestNickname(claims), at: Date.now() };
  const existing = await findLoginByEmail(db, claims.email);
  if (existing) return { kind: 'prove-ownership', pending: { ...pending, existingUserId: existing.id } };
  return { kind: 'choose-nickname', pending };
}

/** Makes the account and links the identity in one transaction; a taken nickname is a field error. */
export async function createAccountFromIdentity(input: { pending: PendingIdentity; nickname: string }, { db }: { db: Db }): Promise<UserRow> {
  const { pending, nickname } = input;
  try {
    return await db.transaction(async (trx) => {
      const user = await insertUserWithoutPassword(trx, { email: pending.email, nickname });
      await insertIdentity(trx, { provider: pending.provider, subject: pending.subject, userId: user.id, email: pending.email });
      return user;
    });
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
    const constraint = (err as { constraint?: string }).constraint ?? '';
    if (constraint.includes('nickname')) throw new ValidationFailed({ nickname: 'This nickname is taken. Try another.' });
    // The email was taken meanwhile (a sign-up in another tab): start again, which asks for proof.
    throw new SignInRefused('An account with this email was just made. Please sign in again.');
  }
}

/** Links the identity to the account its owner just proved (by password). */
export async function linkIdentity(input: { pending: PendingIdentity; userId: number }, { db }: { db: Db }): Promise<void> {
  const { pending, userId } = input;
  await insertIdentity(db, { provider: pending.provider, subject: pending.subject, userId, email: pending.email });
}

/** The provider's name or the email's local part, in nickname characters. */
function suggestNickname(claims: ProviderClaims): string {
  const base = (claims.name ?? claims.email?.split('@')[0] ?? '').normalize('NFKD').replace(/[^A-Za-z0-9_-]+/g, '');
  return base.slice(0, 30);
}
