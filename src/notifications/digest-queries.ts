import type { Db } from '../db/knex.js';
import { MAILED_KINDS } from './kinds.js';

/** At most one digest mail per musician in this time. */
export const DIGEST_EVERY_SECONDS = 3600;
/** Older notifications are left to the page: a digest is news, not an archive. */
const DIGEST_WINDOW_SECONDS = 24 * 3600;
/** Musicians given a digest per run; the rest are the next run's (a minute later). */
const RECIPIENTS_PER_RUN = 500;

const ago = (db: Db, seconds: number) => db.raw(`now() - make_interval(secs => ?)`, [seconds]);

/** Unread, unmailed notifications of the mailed kinds, old enough to mail (the partial index's rows). */
function due(db: Db, delaySeconds: number, alias = 'n') {
  return (q: ReturnType<Db>): void => {
    q.whereNull(`${alias}.digest_id`)
      .whereNull(`${alias}.read_at`)
      .whereIn(`${alias}.kind`, MAILED_KINDS)
      .where(`${alias}.created_at`, '<', ago(db, delaySeconds))
      .where(`${alias}.created_at`, '>', ago(db, DIGEST_WINDOW_SECONDS));
  };
}

/** Musicians with something due, who want the mail and had none in the last hour. */
export function digestRecipientsQuery(db: Db, delaySeconds: number) {
  return db('notifications as n')
    .modify(due(db, delaySeconds))
    .whereNotExists(db('digest_opt_outs as o').select(db.raw('1')).whereRaw('o.user_id = n.recipient_id'))
    .whereNotExists(db('notification_digests as d').select(db.raw('1')).whereRaw('d.user_id = n.recipient_id').where('d.created_at', '>', ago(db, DIGEST_EVERY_SECONDS)))
    .distinct('n.recipient_id')
    .limit(RECIPIENTS_PER_RUN);
}

export async function listDigestRecipients(db: Db, delaySeconds: number): Promise<number[]> {
  const rows: Array<{ recipient_id: number }> = await digestRecipientsQuery(db, delaySeconds);
  return rows.map((r) => r.recipient_id);
}

/**
 * Writes one musician's digest and gives it their due notifications, in one transaction under
 * a lock on the musician's row, so two runs at once cannot both make one, and checks again
 * that none was made in the last hour. Undefined when there is nothing to send.
 */
export async function claimDigest(db: Db, userId: number, delaySeconds: number): Promise<number | undefined> {
  return db.transaction(async (trx) => {
    const user = await trx('users').where({ id: userId }).forUpdate().first('id');
    if (!user) return undefined;
    if (await trx('digest_opt_outs').where({ user_id: userId }).first('user_id')) return undefined;
    const recent = await trx('notification_digests').where('user_id', userId).where('created_at', '>', ago(trx, DIGEST_EVERY_SECONDS)).first('id');
    if (recent) return undefined;
    const [digest] = await trx('notification_digests').insert({ user_id: userId }).returning<Array<{ id: number }>>('id');
    const taken = await trx('notifications as n').where('n.recipient_id', userId).modify(due(trx, delaySeconds)).update({ digest_id: digest!.id });
    if (!taken) {
      await trx('notification_digests').where({ id: digest!.id }).delete();
      return undefined;
    }
    return digest!.id;
  });
}

export interface DigestRow {
  id: number;
  user_id: number;
  sent_at: Date | null;
  email: string;
  nickname: string;
  opted_out: boolean;
}

/**
 * Sends a digest at most once: the row is locked while `send` runs and marked sent after it,
 * so a retried mail job finds it sent, and a failed send leaves it for the retry.
 */
export async function sendDigestOnce(db: Db, digestId: number, send: (digest: DigestRow) => Promise<boolean>): Promise<void> {
  await db.transaction(async (trx) => {
    const digest: DigestRow | undefined = await trx('notification_digests as d')
      .join('users as u', 'u.id', 'd.user_id')
      .where('d.id', digestId)
      .whereNull('d.sent_at')
      .forUpdate('d')
      .first('d.id', 'd.user_id', 'd.sent_at', 'u.email', 'u.nickname', trx.raw('exists (select 1 from digest_opt_outs o where o.user_id = d.user_id) as opted_out'));
    if (!digest) return;
    await send(digest);
    await trx('notification_digests').where({ id: digestId }).update({ sent_at: trx.fn.now() });
  });
}

/** Digest mail on (no opt-out row) or off. */
export async function setDigestMail(db: Db, userId: number, on: boolean): Promise<void> {
  if (on) await db('digest_opt_outs').where({ user_id: userId }).delete();
  else await db.raw('insert into digest_opt_outs (user_id) values (?) on conflict do nothing', [userId]);
}

export async function wantsDigestMail(db: Db, userId: number): Promise<boolean> {
  return (await db('digest_opt_outs').where({ user_id: userId }).first('user_id')) === undefined;
}
