import type { Mail } from './mailer.js';

/**
 * The account mails' words. Each is written once as paragraphs and one button, then laid
 * out as plain text and as simple HTML, so both bodies always say the same thing.
 */
interface Letter {
  subject: string;
  greeting: string;
  paragraphs: string[];
  /** A list of lines, each a link (a digest's notifications). */
  items?: Array<{ text: string; url: string }>;
  action?: { label: string; url: string };
  after?: string[];
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Nicknames and addresses are text in the HTML body, never markup. */
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

function compose(to: string, letter: Letter): Mail {
  const after = letter.after ?? [];
  const text = [
    letter.greeting,
    ...letter.paragraphs,
    ...(letter.items?.length ? [letter.items.map((i) => `- ${i.text}\n  ${i.url}`).join('\n')] : []),
    ...(letter.action ? [`${letter.action.label}:\n${letter.action.url}`] : []),
    ...after,
    '— SoundHub',
  ].join('\n\n');
  const p = (s: string) => `<p style="margin:0 0 16px">${escape(s)}</p>`;
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:16px;line-height:1.5;color:#1d1d24;max-width:560px;margin:0 auto;padding:24px">',
    p(letter.greeting),
    ...letter.paragraphs.map(p),
    ...(letter.items?.length
      ? ['<ul style="margin:0 0 16px;padding-left:20px">', ...letter.items.map((i) => `<li style="margin:0 0 8px"><a href="${escape(i.url)}" style="color:#5b3df5">${escape(i.text)}</a></li>`), '</ul>']
      : []),
    ...(letter.action
      ? [`<p style="margin:24px 0"><a href="${escape(letter.action.url)}" style="background:#5b3df5;color:#fff;padding:12px 20px;border-radius:8px;text-decoration:none;display:inline-block">${escape(letter.action.label)}</a></p>`,
         `<p style="margin:0 0 16px;font-size:13px;color:#666">Or open this address: ${escape(letter.action.url)}</p>`]
      : []),
    ...after.map(p),
    '<p style="margin:0;color:#666">— SoundHub</p></body></html>',
  ].join('\n');
  return { to, subject: letter.subject, text, html };
}

export function verifyEmailMail(to: string, { nickname, url }: { nickname: string; url: string }): Mail {
  return compose(to, {
    subject: 'Confirm your email for SoundHub',
    greeting: `Hi ${nickname},`,
    paragraphs: ['Welcome to SoundHub. Confirm that this address is yours and you can post songs and add parts to other people’s.'],
    action: { label: 'Confirm my email', url },
    after: ['The link works once, for 48 hours. If you did not sign up, ignore this mail: nothing happens without the link.'],
  });
}

export function accountExistsMail(to: string, { nickname, loginUrl, resetUrl }: { nickname: string; loginUrl: string; resetUrl: string }): Mail {
  return compose(to, {
    subject: 'Someone tried to sign up to SoundHub with your address',
    greeting: `Hi ${nickname},`,
    paragraphs: [
      'Someone just tried to create a SoundHub account with this email address, but it already belongs to your account. No second account was made.',
      `If it was you, log in instead: ${loginUrl}`,
    ],
    action: { label: 'Forgot your password? Choose a new one', url: resetUrl },
    after: ['If it was not you, you need not do anything.'],
  });
}

export function passwordResetMail(to: string, { nickname, url }: { nickname: string; url: string }): Mail {
  return compose(to, {
    subject: 'Choose a new SoundHub password',
    greeting: `Hi ${nickname},`,
    paragraphs: ['Someone (we hope you) asked to reset the password of your SoundHub account.'],
    action: { label: 'Choose a new password', url },
    after: ['The link works once, for one hour, and signs you out everywhere else. If you did not ask, ignore this mail: your password stays as it is.'],
  });
}

export function changeEmailMail(to: string, { nickname, url }: { nickname: string; url: string }): Mail {
  return compose(to, {
    subject: 'Confirm your new email for SoundHub',
    greeting: `Hi ${nickname},`,
    paragraphs: ['You asked to move your SoundHub account to this address. It changes when you confirm.'],
    action: { label: 'Use this address', url },
    after: ['The link works once, for 48 hours. If you did not ask, ignore this mail.'],
  });
}

export function emailChangeNoticeMail(to: string, { nickname, newEmail, resetUrl }: { nickname: string; newEmail: string; resetUrl: string }): Mail {
  return compose(to, {
    subject: 'Your SoundHub email is about to change',
    greeting: `Hi ${nickname},`,
    paragraphs: [
      `Someone signed in to your SoundHub account asked to change its email address to ${newEmail}. It changes only when a link sent to that address is followed.`,
      'If that was you, there is nothing to do here.',
    ],
    action: { label: 'Not you? Choose a new password', url: resetUrl },
    after: ['A new password signs everyone else out of your account.'],
  });
}

/**
 * The hourly digest of notifications. The unsubscribe link works without signing in; the
 * List-Unsubscribe headers let a mail program offer the same in one click (RFC 8058).
 */
export function notificationDigestMail(
  to: string,
  { nickname, items, pageUrl, settingsUrl, unsubscribeUrl }: { nickname: string; items: Array<{ text: string; url: string }>; pageUrl: string; settingsUrl: string; unsubscribeUrl: string },
): Mail {
  const mail = compose(to, {
    subject: items.length === 1 ? `SoundHub: ${items[0]!.text}` : `SoundHub: ${items.length} new things on your songs`,
    greeting: `Hi ${nickname},`,
    paragraphs: [items.length === 1 ? 'This happened on SoundHub since you last looked:' : `These ${items.length} things happened on SoundHub since you last looked:`],
    items,
    action: { label: 'See all your notifications', url: pageUrl },
    after: [
      `You get at most one of these mails an hour. Turn them off in your settings (${settingsUrl}) or with this link, no sign-in needed: ${unsubscribeUrl}`,
    ],
  });
  return { ...mail, headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } };
}
