import type { Db } from '../db/knex.js';
import { findPasswordHash, setPasswordHash } from '../users/account-queries.js';
import { ValidationFailed } from '../web/errors.js';
import { hashPassword, verifyPassword } from './password.js';
import type { ChangePasswordInput } from './schemas.js';
import { endOtherSessions } from './session-queries.js';

/**
 * A musician sets a new password, proving the current one first (a session left open on a
 * shared computer must not be enough). Every other session ends: whoever knew the old
 * password is signed out everywhere but here.
 */
export async function changePassword(actor: Express.User, input: ChangePasswordInput, { db, sessionId }: { db: Db; sessionId: string }): Promise<{ endedSessions: number }> {
  await checkCurrentPassword(db, actor.id, input.currentPassword, 'currentPassword');
  await setPasswordHash(db, actor.id, await hashPassword(input.newPassword));
  return { endedSessions: await endOtherSessions(db, actor.id, sessionId) };
}

/** The password the musician typed is theirs, or `field` gets the error. */
export async function checkCurrentPassword(db: Db, userId: number, password: string, field: string): Promise<void> {
  const hash = await findPasswordHash(db, userId);
  if (!hash || !(await verifyPassword(hash, password))) throw new ValidationFailed({ [field]: 'That is not your current password.' });
}
