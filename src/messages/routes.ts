import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.js';
import { avatarView } from '../pictures/present.js';
import { blocksBetween } from '../users/block-queries.js';
import { findProfilePictures } from '../users/picture-queries.js';
import { findNicknameNow } from '../users/profile-queries.js';
import { findUserByNickname, type UserRow } from '../users/queries.js';
import { requireVerified } from '../web/auth-guard.js';
import { HttpError, NotFound, RateLimited, fieldErrorsOf, messageOf } from '../web/errors.js';
import { formatDateTime, timeAgo } from '../web/format.js';
import { languageOf, tFor, translateMessage } from '../web/i18n.js';
import { decodeCursor, page } from '../web/pagination.js';
import { validate } from '../web/validate.js';
import { whyCannotMessage } from './policies.js';
import { findConversationBetween, findLastReadBy, listConversationMessages, listInbox, markConversationRead, type MessageRow } from './queries.js';
import { MESSAGE_MAX, messageSchema } from './schemas.js';
import { sendMessage } from './send.js';

const INBOX_PAGE = 20;
const CONVERSATION_PAGE = 30;
const PREVIEW_CHARS = 140;

const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';
const conversationUrl = (nickname: string) => `/messages/${encodeURIComponent(nickname)}`;
const presentMessage = (m: MessageRow, senderNickname: string) => ({ id: m.id, from: senderNickname, body: m.body, sentAt: m.created_at.toISOString() });

/** What the send form shows again after a refusal: the text as typed and why. */
interface Refused {
  status: number;
  typed: string;
  error: string;
}

/** GET /messages (the inbox), GET /messages/:nickname (a conversation) and POST /messages/:nickname (send). */
export function messageRoutes({ db, config }: Deps): Router {
  const router = Router();

  router.get('/messages', requireVerified, async (req, res) => {
    const me = req.user!;
    const rows = await listInbox(db, me.id, { before: decodeCursor(req.query.before), limit: INBOX_PAGE + 1 });
    const { items, next } = page(rows, INBOX_PAGE);
    res.render('messages/index', {
      title: 'Messages',
      conversations: items.map((c) => ({
        url: conversationUrl(c.nickname),
        nickname: c.nickname,
        avatar: avatarView({ avatarPictureId: c.avatar_picture_id, nickname: c.nickname }),
        preview: `${c.last_sender_id === me.id ? tFor(languageOf(req))('conversations:you_prefix') : ''}${preview(c.last_body ?? '')}`,
        unread: c.unread_count,
        ago: timeAgo(c.created_at, languageOf(req)),
        at: c.created_at.toISOString(),
      })),
      olderUrl: next ? `/messages?before=${next}` : null,
    });
  });

  /** The musician a conversation URL names; an old nickname moves for good (301) to their name now. */
  async function loadOther(req: Request, res: Response): Promise<UserRow | undefined> {
    const nickname = String(req.params.nickname);
    const user = await findUserByNickname(db, nickname);
    if (user) return user;
    const now = await findNicknameNow(db, nickname);
    if (!now) throw new NotFound('There is no musician with that name.');
    res.redirect(301, conversationUrl(now));
    return undefined;
  }

  /** The conversation page; opening it marks it read. `refused` re-shows the form after a refused send. */
  async function renderConversation(req: Request, res: Response, other: UserRow, refused?: Refused) {
    const me = req.user!;
    const [conversation, blocks, pictures] = await Promise.all([findConversationBetween(db, me.id, other.id), blocksBetween(db, me.id, other.id), findProfilePictures(db, other.id)]);
    let messages: MessageRow[] = [];
    let next: string | undefined;
    let seenAt: Date | null = null;
    if (conversation) {
      await markConversationRead(db, conversation.id, me.id);
      const rows = await listConversationMessages(db, conversation.id, { before: decodeCursor(req.query.before), limit: CONVERSATION_PAGE + 1 });
      ({ items: messages, next } = page(rows, CONVERSATION_PAGE));
      seenAt = await findLastReadBy(db, conversation.id, other.id);
    }
    const lastMine = messages.find((m) => m.sender_id === me.id);
    const lng = languageOf(req);
    const refusal = whyCannotMessage({ senderBlocked: blocks.aBlockedB, recipientBlocked: blocks.bBlockedA });
    const url = conversationUrl(other.nickname);
    res.status(refused?.status ?? 200).render('messages/conversation', {
      title: translateMessage(lng, 'Messages with {{name}}', { name: other.nickname }),
      other: { nickname: other.nickname, url: `/users/${encodeURIComponent(other.nickname)}`, avatar: avatarView({ avatarPictureId: pictures.avatar_picture_id, nickname: other.nickname }) },
      messages: messages.reverse().map((m) => ({
        id: m.id,
        mine: m.sender_id === me.id,
        body: m.body,
        at: m.created_at.toISOString(),
        time: formatDateTime(m.created_at, languageOf(req)),
        seen: m === lastMine && seenAt !== null && seenAt >= m.created_at,
      })),
      olderUrl: next ? `${url}?before=${next}` : null,
      sendUrl: url,
      typed: refused?.typed ?? '',
      error: refused?.error ?? null,
      // A block shows instead of the form; the blocker gets the button to lift it.
      refusal: refusal && translateMessage(lng, refusal, { name: other.nickname }),
      unblockUrl: blocks.aBlockedB ? `/users/${encodeURIComponent(other.nickname)}/block` : null,
      bodyMax: MESSAGE_MAX,
    });
  }

  router.get('/messages/:nickname', requireVerified, async (req, res) => {
    const other = await loadOther(req, res);
    if (!other) return;
    if (other.id === req.user!.id) return res.redirect(303, '/messages');
    await renderConversation(req, res, other);
  });

  router.post('/messages/:nickname', requireVerified, async (req, res) => {
    const other = await findUserByNickname(db, String(req.params.nickname));
    if (!other) throw new NotFound('There is no musician with that name.');
    let message: MessageRow;
    try {
      const input = validate(messageSchema, req.body ?? {});
      message = await sendMessage({ ...input, recipient: other }, { db, actor: req.user!, limits: config.messageLimits });
    } catch (err) {
      if (!(err instanceof HttpError) || ![403, 422, 429].includes(err.status) || wantsJson(req)) throw err;
      if (err instanceof RateLimited) res.set('Retry-After', String(err.retryAfterSeconds));
      const typed = typeof (req.body as { body?: unknown })?.body === 'string' ? (req.body as { body: string }).body : '';
      return renderConversation(req, res, other, { status: err.status, typed, error: translateMessage(languageOf(req), fieldErrorsOf(err)?.body ?? messageOf(err)) });
    }
    req.log.info({ userId: req.user!.id, conversationId: message.conversation_id, messageId: message.id }, 'message sent');
    if (wantsJson(req)) return res.status(201).json({ message: presentMessage(message, req.user!.nickname) });
    res.redirect(303, `${conversationUrl(other.nickname)}#message-${message.id}`);
  });

  return router;
}

/** The start of a message on one line, for the inbox. */
function preview(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > PREVIEW_CHARS ? `${line.slice(0, PREVIEW_CHARS - 1)}…` : line;
}
