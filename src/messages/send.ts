import type { RuntimeConfig } from '../config.js';
import type { Db } from '../db/knex.js';
import { countHit } from '../auth/rate-limits.js';
import { blocksBetween } from '../users/block-queries.js';
import { Forbidden, RateLimited, ValidationFailed } from '../web/errors.js';
import { whyCannotMessage } from './policies.js';
import { findConversationBetween, insertMessage, openConversation, type MessageRow } from './queries.js';
import type { MessageInput } from './schemas.js';

export interface SendMessageProps extends MessageInput {
  /** Who the message is for, as the URL named them. */
  recipient: { id: number; nickname: string };
}

export interface SendMessageDeps {
  db: Db;
  actor: { id: number };
  limits: RuntimeConfig['messageLimits'];
}

const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

/**
 * Sends a direct message: refused to yourself (422) and across a block, either way (403);
 * counted per sender (rate_limits, shared by every process) so one account can't flood
 * others: messages per hour, and first messages to someone new per day. A send refused for
 * yourself or a block counts nothing; no refused send writes a message.
 */
export async function sendMessage(props: SendMessageProps, { db, actor, limits }: SendMessageDeps): Promise<MessageRow> {
  const { recipient } = props;
  if (recipient.id === actor.id) throw new ValidationFailed({ body: 'You cannot message yourself.' }, 'You cannot message yourself.');
  const blocks = await blocksBetween(db, actor.id, recipient.id);
  const refusal = whyCannotMessage({ senderBlocked: blocks.aBlockedB, recipientBlocked: blocks.bBlockedA });
  if (refusal) throw new Forbidden(refusal).withParams({ name: recipient.nickname });

  const sent = await countHit(db, `messages:sender:${actor.id}`, 3600);
  if (sent.hits > limits.perHour) throw new RateLimited(sent.retryAfterSeconds, `You have sent ${limits.perHour} messages in the last hour. Try again in ${minutes(sent.retryAfterSeconds)} minutes.`);
  if (!(await findConversationBetween(db, actor.id, recipient.id))) {
    const started = await countHit(db, `messages:new-conversation:${actor.id}`, 24 * 3600);
    if (started.hits > limits.newConversationsPerDay) {
      throw new RateLimited(started.retryAfterSeconds, `You have started ${limits.newConversationsPerDay} new conversations today. Try again in ${minutes(started.retryAfterSeconds)} minutes, or write to someone you have talked to before.`);
    }
  }

  return db.transaction(async (trx) => {
    const conversation = await openConversation(trx, actor.id, recipient.id, new Date());
    return insertMessage(trx, { conversationId: conversation.id, senderId: actor.id, body: props.body });
  });
}
