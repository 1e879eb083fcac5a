import type { Db } from '../db/knex.js';

/** The account an identity signs in to, if it is linked. */
export async function findUserIdByIdentity(db: Db, provider: string, subject: string): Promise<number | undefined> {
  const row: { user_id: string } | undefined = await db('oidc_identities').select('user_id').where({ provider, subject }).first();
  return row ? Number(row.user_id) : undefined;
}

/** Links an identity; an identity already linked (a form sent twice) stays as it is. */
export async function insertIdentity(db: Db, identity: { provider: string; subject: string; userId: number; email: string }): Promise<void> {
  await db('oidc_identities')
    .insert({ provider: identity.provider, subject: identity.subject, user_id: identity.userId, email: identity.email })
    .onConflict(['provider', 'subject'])
    .ignore();
}
