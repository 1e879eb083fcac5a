import type { Db } from '../db/knex.js';
import type { JobQueue } from '../jobs/queue.js';
import { ValidationFailed } from '../web/errors.js';
import { emailOrNicknameTaken, findLoginByEmail, insertUser, type UserRow } from '../users/queries.js';
import { hashPassword } from './password.js';
import type { SignupInput } from './schemas.js';
import type { Language } from '../web/i18n.js';
import { setUserLanguage } from '../users/language-queries.js';

const NICKNAME_TAKEN = 'This nickname is taken. Try another.';

/**
 * Creates a musician's account and has its verification link mailed. An email that already
 * has an account gets the same answer as a new one (a nickname is public, so a taken one is
 * still a field error): nothing is created, and the owner is mailed instead. The password
 * is hashed either way, so both take the same time. Answers the new row, or undefined.
 */
export async function signUp(input: SignupInput, { db, jobs }: { db: Db; jobs: JobQueue }, language: Language = 'en'): Promise<UserRow | undefined> {
  const taken = await emailOrNicknameTaken(db, input.email, input.nickname);
  if (taken.nickname) throw new ValidationFailed({ nickname: NICKNAME_TAKEN });
  const passwordHash = await hashPassword(input.password);
  if (taken.email) return tellOwner(db, jobs, input.email);
  try {
    const user = await insertUser(db, { email: input.email, nickname: input.nickname, passwordHash });
    await setUserLanguage(db, user.id, language); // the verification mail is written in the language they signed up in
    await jobs.sendMail({ kind: 'verify-email', userId: user.id });
    return user;
  } catch (err) {
    // Two sign-ups racing for the same name: the unique index decides.
    if ((err as { code?: string }).code === '23505') {
      if (((err as { constraint?: string }).constraint ?? '').includes('email')) return tellOwner(db, jobs, input.email);
      throw new ValidationFailed({ nickname: NICKNAME_TAKEN });
    }
    throw err;
  }
}

async function tellOwner(db: Db, jobs: JobQueue, email: string): Promise<undefined> {
  const owner = await findLoginByEmail(db, email);
  if (owner) await jobs.sendMail({ kind: 'account-exists', userId: owner.id });
  return undefined;
}
