import type { Db } from '../db/knex.js';

/**
 * Ends every session of a musician but the one given (connect-pg-simple keeps passport's
 * user id at sess.passport.user): the next request from any of them is signed out.
 */
export async function endOtherSessions(db: Db, userId: number, exceptSid: string | undefined): Promise<number> {
  const query = db('sessions').whereRaw(`sess->'passport'->>'user' = ?`, [String(userId)]);
  if (exceptSid) query.whereNot({ sid: exceptSid });
  return query.delete();
}
