import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The digest's unsubscribe link names the musician and carries an HMAC of their id under the
 * session secret: it works without signing in, can't be made for anyone else, and needs no
 * row. Turning mail off is all it can do, so a link that is forwarded or leaked costs at most
 * a musician their digest, which settings turns back on. Changing SESSION_SECRET ends old links.
 */
const PURPOSE = 'notification-digest-unsubscribe';

export function unsubscribeToken(secret: string, userId: number): string {
  return createHmac('sha256', secret).update(`${PURPOSE}:${userId}`).digest('base64url');
}

export function unsubscribeUrl(siteUrl: string, secret: string, userId: number): string {
  return `${siteUrl}/notifications/unsubscribe?user=${userId}&token=${unsubscribeToken(secret, userId)}`;
}

/** The musician the link is for, or undefined when the token is not theirs. */
export function checkUnsubscribe(secret: string, user: unknown, token: unknown): number | undefined {
  if (typeof user !== 'string' || typeof token !== 'string' || !/^\d{1,18}$/.test(user)) return undefined;
  const id = Number(user);
  const expected = Buffer.from(unsubscribeToken(secret, id));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
}
