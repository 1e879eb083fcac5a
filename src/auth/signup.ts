import type { Db } from '../db/knex.js';
import { ValidationFailed } from '../web/errors.js';
import { emailOrNicknameTaken, insertUser, type UserRow } from '../users/queries.js';
import { hashPassword } from './password.js';
import type { SignupInput } from './schemas.js';

/** Creates a musician's account; a taken email or nickname is a field error, not a crash. */
export async function signUp(input: SignupInput, { db }: { db: Db }): Promise<UserRow> {
  const taken = await emailOrNicknameTaken(db, input.email, input.nickname);
  const fields: Record<string, string> = {};
  if (taken.email) fields.email = 'An account with this email already exists. Log in instead?';
  if (taken.nickname) fields.nickname = 'This nickname is taken. Try another.';
  if (Object.keys(fields).length) throw new ValidationFailed(fields);
  const passwordHash = await hashPassword(input.password);
  try {
    return await insertUser(db, { email: input.email, nickname: input.nickname, passwordHash });
  } catch (err) {
    // Two sign-ups racing for the same name: the unique index decides.
    if ((err as { code?: string }).code === '23505') {
      const constraint = (err as { constraint?: string }).constraint ?? '';
      throw new ValidationFailed(constraint.includes('email') ? { email: 'An account with this email already exists.' } : { nickname: 'This nickname is taken. Try another.' });
    }
    throw err;
  }
}
