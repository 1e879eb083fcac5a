import type { Db } from '../db/knex.js';

// connect-pg-simple keeps each session as JSON; passport puts the user id at passport.user.

/** Ends every session of the user except `keepSid` (the one asking); how many ended. */
export async function endOtherSessions(db: Db, userId: number, keepSid: string): Promise<number> {
  return db('sessions').whereRaw(`sess->'passport'->>'user' = ?`, [String(userId)]).whereNot({ sid: keepSid }).delete();
}

/** Ends every session of the user, on every device. */
export async function endAllSessions(db: Db, userId: number): Promise<number> {
  return db('sessions').whereRaw(`sess->'passport'->>'user' = ?`, [String(userId)]).delete();
}
