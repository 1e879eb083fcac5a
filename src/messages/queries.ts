import type { Knex } from 'knex';
import type { Db } from '../db/knex.js';
import { blockedByQuery } from '../users/block-queries.js';
import type { Cursor } from '../web/pagination.js';

/** The pair as stored: lower id first, so each pair has exactly one conversation. */
const orderedPair = (a: number, b: number): [number, number] => (a < b ? [a, b] : [b, a]);

export async function findConversationBetween(db: Db, a: number, b: number): Promise<{ id: number } | undefined> {
  const [first, second] = orderedPair(a, b);
  const row: { id: number } | undefined = await db('conversations').where({ first_user_id: first, second_user_id: second }).first('id');
  return row;
}

/**
 * The pair's conversation, made with both member rows if it does not exist yet. Two first
 * messages at once meet on the pair's unique key: the second insert waits for the first and
 * then finds its row.
 */
export async function openConversation(trx: Knex.Transaction, a: number, b: number, at: Date): Promise<{ id: number; created: boolean }> {
  const [first, second] = orderedPair(a, b);
  const inserted: Array<{ id: number }> = await trx.raw(
    'insert into conversations (first_user_id, second_user_id) values (?, ?) on conflict (first_user_id, second_user_id) do nothing returning id',
    [first, second],
  ).then((r: { rows: Array<{ id: number }> }) => r.rows);
  if (inserted[0]) {
    await trx('conversation_members').insert([
      { conversation_id: inserted[0].id, user_id: a, other_user_id: b, last_message_at: at },
      { conversation_id: inserted[0].id, user_id: b, other_user_id: a, last_message_at: at },
    ]);
    return { id: inserted[0].id, created: true };
  }
  const found: { id: number } | undefined = await trx('conversations').where({ first_user_id: first, second_user_id: second }).first('id');
  if (!found) throw new Error('conversation neither inserted nor found');
  return { id: found.id, created: false };
}

export interface MessageRow {
  id: number;
  conversation_id: number;
  sender_id: number;
  body: string;
  created_at: Date;
}

const messageColumns = ['id', 'conversation_id', 'sender_id', 'body', 'created_at'] as const satisfies ReadonlyArray<keyof MessageRow>;

/**
 * Writes a message and moves both members' inboxes: the conversation goes to the top of each,
 * the recipient has one more unread, and the sender has read everything up to their own message
 * (answering is reading, whether or not the page was opened first).
 */
export async function insertMessage(trx: Knex.Transaction, message: { conversationId: number; senderId: number; body: string }): Promise<MessageRow> {
  const [row] = await trx<MessageRow>('messages').insert({ conversation_id: message.conversationId, sender_id: message.senderId, body: message.body }).returning(messageColumns);
  if (!row) throw new Error('insert into messages returned no row');
  await trx.raw(
    `update conversation_members set
       last_message_at = greatest(last_message_at, ?),
       unread_count = case when user_id = ? then 0 else unread_count + 1 end,
       last_read_at = case when user_id = ? then greatest(last_read_at, ?) else last_read_at end
     where conversation_id = ?`,
    [row.created_at, message.senderId, message.senderId, row.created_at, message.conversationId],
  );
  return row;
}

/** Opening a conversation reads it: written only when there is something new to mark. */
export async function markConversationRead(db: Db, conversationId: number, userId: number): Promise<void> {
  await db('conversation_members')
    .where({ conversation_id: conversationId, user_id: userId })
    .whereRaw('(unread_count > 0 or last_read_at is null or last_read_at < last_message_at)')
    .update({ unread_count: 0, last_read_at: db.fn.now() });
}

/** Unread messages over every conversation of `userId` not with someone they blocked: the header's count. */
export function unreadTotalQuery(db: Db, userId: number) {
  return db('conversation_members')
    .select(db.raw('coalesce(sum(unread_count), 0)::int as unread'))
    .where('user_id', userId)
    .where('unread_count', '>', 0)
    .whereNotIn('other_user_id', blockedByQuery(db, userId));
}

export async function countUnreadMessages(db: Db, userId: number): Promise<number> {
  const row = (await unreadTotalQuery(db, userId).first()) as { unread: number };
  return row.unread;
}

/** One line of the inbox: `id` is the conversation's, `created_at` its last activity (the keyset). */
export interface InboxRow {
  id: number;
  created_at: Date;
  unread_count: number;
  other_id: number;
  nickname: string;
  avatar_picture_id: string | null;
  last_body: string | null;
  last_sender_id: number | null;
}

/** `userId`'s conversations, newest activity first, without those with musicians they blocked. */
export function inboxQuery(db: Db, userId: number, { before, limit }: { before?: Cursor | undefined; limit: number }) {
  const last = db('messages as lm')
    .select('lm.body', 'lm.sender_id')
    .whereRaw('lm.conversation_id = m.conversation_id')
    .orderBy([{ column: 'lm.created_at', order: 'desc' }, { column: 'lm.id', order: 'desc' }])
    .limit(1);
  const q = db('conversation_members as m')
    .join('users as u', 'u.id', 'm.other_user_id')
    .joinRaw(`left join lateral (${last.toQuery()}) as last on true`)
    .select('m.conversation_id as id', 'm.last_message_at as created_at', 'm.unread_count', 'u.id as other_id', 'u.nickname', 'u.avatar_picture_id', 'last.body as last_body', 'last.sender_id as last_sender_id')
    .where('m.user_id', userId)
    .whereNotIn('m.other_user_id', blockedByQuery(db, userId))
    .orderBy([{ column: 'm.last_message_at', order: 'desc' }, { column: 'm.conversation_id', order: 'desc' }])
    .limit(limit);
  if (before) q.whereRaw('(m.last_message_at, m.conversation_id) < (?, ?)', [before.createdAt, before.id]);
  return q;
}

export async function listInbox(db: Db, userId: number, options: { before?: Cursor | undefined; limit: number }): Promise<InboxRow[]> {
  const rows: InboxRow[] = await inboxQuery(db, userId, options);
  return rows;
}

/** A page of a conversation, newest first (the page shows them oldest first, the newest at the bottom). */
export function conversationMessagesQuery(db: Db, conversationId: number, { before, limit }: { before?: Cursor | undefined; limit: number }) {
  const q = db('messages')
    .select(messageColumns)
    .where('conversation_id', conversationId)
    .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])
    .limit(limit);
  if (before) q.whereRaw('(created_at, id) < (?, ?)', [before.createdAt, before.id]);
  return q;
}

export async function listConversationMessages(db: Db, conversationId: number, options: { before?: Cursor | undefined; limit: number }): Promise<MessageRow[]> {
  const rows: MessageRow[] = await conversationMessagesQuery(db, conversationId, options);
  return rows;
}

/** When the other member last opened the conversation: what "Seen" under your last message means. */
export async function findLastReadBy(db: Db, conversationId: number, userId: number): Promise<Date | null> {
  const row: { last_read_at: Date | null } | undefined = await db('conversation_members').where({ conversation_id: conversationId, user_id: userId }).first('last_read_at');
  return row?.last_read_at ?? null;
}
