/** What stands between a sender and a recipient, read once per send (users/block-queries.ts). */
export interface MessagingBlocks {
  /** The sender has blocked the recipient. */
  senderBlocked: boolean;
  /** The recipient has blocked the sender. */
  recipientBlocked: boolean;
}

/**
 * Why a sender may not message `recipient`, or null when they may. A block stops messages both
 * ways: the blocked musician can't reach the blocker, and the blocker can't write to someone
 * who can't answer (they unblock first). The blocked musician is told plainly that this
 * musician does not take their messages, which reveals the block, as refusing silently would
 * not stop them trying.
 */
// The text is a translation key: its {{name}} is the recipient's nickname.
export function whyCannotMessage(blocks: MessagingBlocks): string | null {
  if (blocks.senderBlocked) return 'You blocked {{name}}. Unblock them to send a message.';
  if (blocks.recipientBlocked) return '{{name}} is not accepting messages from you.';
  return null;
}
