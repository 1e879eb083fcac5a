import type { Db } from '../db/knex.js';
import { hasBlocked } from '../users/block-queries.js';
import type { Cursor } from '../web/pagination.js';
import type { NotificationKind } from './kinds.js';

/** One event for one musician, as the rules write it. */
export interface NewNotification {
  recipientId: number;
  kind: NotificationKind;
  /** The thing the kind is about (a contribution, mix version, comment, follower, liked song or part). */
  subjectId: number;
  actorId: number;
  postId?: number | null;
  contributionId?: number | null;
  mixVersionId?: number | null;
}

const row = (n: NewNotification) => ({
  recipient_id: n.recipientId,
  kind: n.kind,
  subject_id: n.subjectId,
  actor_id: n.actorId,
  post_id: n.postId ?? null,
  contribution_id: n.contributionId ?? null,
  mix_version_id: n.mixVersionId ?? null,
});

/**
 * Writes the notifications that are not there yet; one already there (the same recipient,
 * kind and subject) stays as it was, so a rule run twice tells nobody twice. Never to the actor.
 */
/** Nobody hears of their own doing, nor of what a musician they blocked does. */
async function heard(db: Db, notifications: NewNotification[]): Promise<NewNotification[]> {
  const others = notifications.filter((n) => n.recipientId !== n.actorId);
  const blocked = await Promise.all(others.map((n) => hasBlocked(db, n.recipientId, n.actorId)));
  return others.filter((_, i) => !blocked[i]);
}

export async function insertNotifications(db: Db, notifications: NewNotification[]): Promise<number> {
  const rows = (await heard(db, notifications)).map(row);
  if (rows.length === 0) return 0;
  const inserted: Array<{ id: number }> = await db('notifications').insert(rows).onConflict(['recipient_id', 'kind', 'subject_id']).ignore().returning('id');
  return inserted.length;
}

/**
 * A like joins the one notification of the liked thing: the liker is counted once however
 * often they like and unlike, and a new liker moves the row up and makes it unread again.
 */
export async function addGroupedActor(db: Db, n: NewNotification): Promise<void> {
  if ((await heard(db, [n])).length === 0) return;
  await db.transaction(async (trx) => {
    // The row exists before its actor is added; the upsert locks it, so concurrent likes count exactly.
    const [notification] = await trx('notifications')
      .insert({ ...row(n), actors_count: 0 })
      .onConflict(['recipient_id', 'kind', 'subject_id'])
      .merge({ recipient_id: trx.raw('excluded.recipient_id') })
      .returning<Array<{ id: number }>>('id');
    const added = await trx.raw<{ rowCount: number }>('insert into notification_actors (notification_id, actor_id) values (?, ?) on conflict do nothing', [notification!.id, n.actorId]);
    if (!added.rowCount) return;
    await trx('notifications')
      .where({ id: notification!.id })
      .update({ actors_count: trx.raw('actors_count + 1'), actor_id: n.actorId, updated_at: trx.fn.now(), read_at: null });
  });
}

/** A notification as the page and the digest show it: its own columns and the names it needs. */
export interface NotificationRow {
  id: number;
  kind: NotificationKind;
  subject_id: number;
  post_id: number | null;
  contribution_id: number | null;
  actors_count: number;
  updated_at: Date;
  read_at: Date | null;
  actor_nickname: string | null;
  post_title: string | null;
  instrument: string | null;
  instrument_slug: string | null;
}

const LISTED = [
  'n.id', 'n.kind', 'n.subject_id', 'n.post_id', 'n.contribution_id', 'n.actors_count', 'n.updated_at', 'n.read_at',
  'a.nickname as actor_nickname', 'p.title as post_title', 'i.name as instrument', 'i.slug as instrument_slug',
];

function withNames(db: Db) {
  return db('notifications as n')
    .leftJoin('users as a', 'a.id', 'n.actor_id')
    .leftJoin('posts as p', 'p.id', 'n.post_id')
    .leftJoin('contributions as c', 'c.id', 'n.contribution_id')
    .leftJoin('instruments as i', 'i.id', 'c.instrument_id')
    .select(LISTED);
}

/** A musician's notifications, latest event first; `before` is the (updated_at, id) of the last one shown. */
export function notificationListQuery(db: Db, recipientId: number, { before, limit }: { before?: Cursor | undefined; limit: number }) {
  const q = withNames(db)
    .where('n.recipient_id', recipientId)
    .orderBy([{ column: 'n.updated_at', order: 'desc' }, { column: 'n.id', order: 'desc' }])
    .limit(limit);
  if (before) q.whereRaw('(n.updated_at, n.id) < (?, ?)', [before.createdAt, before.id]);
  return q;
}

export async function listNotifications(db: Db, recipientId: number, options: { before?: Cursor | undefined; limit: number }): Promise<NotificationRow[]> {
  const rows: NotificationRow[] = await notificationListQuery(db, recipientId, options);
  return rows;
}

/** The notifications a digest carries, oldest first. */
export async function listDigestNotifications(db: Db, digestId: number): Promise<NotificationRow[]> {
  const rows: NotificationRow[] = await withNames(db).where('n.digest_id', digestId).orderBy([{ column: 'n.created_at', order: 'asc' }, { column: 'n.id', order: 'asc' }]);
  return rows;
}

export async function markNotificationsRead(db: Db, recipientId: number, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db('notifications').where('recipient_id', recipientId).whereIn('id', ids).whereNull('read_at').update({ read_at: db.fn.now() });
}

/** The badge shows at most this many ("9+"): the count stops there, so it costs the same for everyone. */
export const BADGE_LIMIT = 9;

/** Unread notifications, counted up to BADGE_LIMIT + 1 on the partial index of unread rows. */
export function unreadCountQuery(db: Db, recipientId: number) {
  return db
    .from(db('notifications').select(db.raw('1')).where('recipient_id', recipientId).whereNull('read_at').limit(BADGE_LIMIT + 1).as('unread'))
    .count({ n: '*' });
}

export async function countUnread(db: Db, recipientId: number): Promise<number> {
  const [row] = (await unreadCountQuery(db, recipientId)) as Array<{ n: number | string }>;
  return Number(row?.n ?? 0);
}
