import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Db } from '../db/knex.js';
import { findLoginByEmail, findUserById } from '../users/queries.js';
import { timingDummyHash, verifyPassword } from './password.js';

/** Email + password login; the session keeps only the user id. */
export function configurePassport(db: Db): passport.PassportStatic {
  const instance = new passport.Passport();
  instance.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password' }, (email, password, done) => {
      (async () => {
        const user = await findLoginByEmail(db, email.trim());
        const ok = await verifyPassword(user?.password_hash ?? (await timingDummyHash()), password);
        if (!user || !ok) return done(null, false, { message: 'Wrong email or password.' });
        done(null, { id: user.id, nickname: user.nickname, email: user.email, verified: user.verified });
      })().catch(done);
    }),
  );
  instance.serializeUser((user, done) => done(null, user.id));
  instance.deserializeUser((id: number, done) => {
    findUserById(db, id)
      .then((u) => done(null, u ? { id: u.id, nickname: u.nickname, email: u.email, verified: u.verified } : false))
      .catch(done);
  });
  return instance as unknown as passport.PassportStatic;
}
