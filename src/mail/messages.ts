import { tFor, type Language } from '../web/i18n.js';
import type { Mail } from './mailer.js';

/**
 * The account mails' words (namespace `mail`, in the recipient's language). Each is written once as paragraphs and one button, then laid
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

function compose(to: string, lng: Language, letter: Letter): Mail {
  const t = tFor(lng);
  const after = letter.after ?? [];
  const text = [
    letter.greeting,
    ...letter.paragraphs,
    ...(letter.items?.length ? [letter.items.map((i) => `- ${i.text}\n  ${i.url}`).join('\n')] : []),
    ...(letter.action ? [`${letter.action.label}:\n${letter.action.url}`] : []),
    ...after,
    t('mail:signature'),
  ].join('\n\n');
  const p = (s: string) => `<p style="margin:0 0 16px">${escape(s)}</p>`;
  const html = [
    `<!doctype html><html lang="${lng}"><body style="font-family:system-ui,sans-serif;font-size:16px;line-height:1.5;color:#1d1d24;max-width:560px;margin:0 auto;padding:24px">`,
    p(letter.greeting),
    ...letter.paragraphs.map(p),
    ...(letter.items?.length
      ? ['<ul style="margin:0 0 16px;padding-left:20px">', ...letter.items.map((i) => `<li style="margin:0 0 8px"><a href="${escape(i.url)}" style="color:#5b3df5">${escape(i.text)}</a></li>`), '</ul>']
      : []),
    ...(letter.action
      ? [`<p style="margin:24px 0"><a href="${escape(letter.action.url)}" style="background:#5b3df5;color:#fff;padding:12px 20px;border-radius:8px;text-decoration:none;display:inline-block">${escape(letter.action.label)}</a></p>`,
         `<p style="margin:0 0 16px;font-size:13px;color:#666">${escape(t('mail:or_open', { url: letter.action.url }))}</p>`]
      : []),
    ...after.map(p),
    `<p style="margin:0;color:#666">${escape(t('mail:signature'))}</p></body></html>`,
  ].join('\n');
  return { to, subject: letter.subject, text, html };
}

export function verifyEmailMail(to: string, { nickname, url }: { nickname: string; url: string }, lng: Language = 'en'): Mail {
  const t = tFor(lng);
  return compose(to, lng, {
    subject: t('mail:verify.subject'),
    greeting: t('mail:greeting', { nickname }),
    paragraphs: [t('mail:verify.welcome')],
    action: { label: t('mail:verify.action'), url },
    after: [t('mail:verify.after')],
  });
}

export function accountExistsMail(to: string, { nickname, loginUrl, resetUrl }: { nickname: string; loginUrl: string; resetUrl: string }, lng: Language = 'en'): Mail {
  const t = tFor(lng);
  return compose(to, lng, {
    subject: t('mail:exists.subject'),
    greeting: t('mail:greeting', { nickname }),
    paragraphs: [t('mail:exists.tried'), t('mail:exists.log_in', { url: loginUrl })],
    action: { label: t('mail:exists.action'), url: resetUrl },
    after: [t('mail:exists.after')],
  });
}

export function passwordResetMail(to: string, { nickname, url }: { nickname: string; url: string }, lng: Language = 'en'): Mail {
  const t = tFor(lng);
  return compose(to, lng, {
    subject: t('mail:reset.subject'),
    greeting: t('mail:greeting', { nickname }),
    paragraphs: [t('mail:reset.asked')],
    action: { label: t('mail:reset.action'), url },
    after: [t('mail:reset.after')],
  });
}

export function changeEmailMail(to: string, { nickname, url }: { nickname: string; url: string }, lng: Language = 'en'): Mail {
  const t = tFor(lng);
  return compose(to, lng, {
    subject: t('mail:change.subject'),
    greeting: t('mail:greeting', { nickname }),
    paragraphs: [t('mail:change.asked')],
    action: { label: t('mail:change.action'), url },
    after: [t('mail:change.after')],
  });
}

export function emailChangeNoticeMail(to: string, { nickname, newEmail, resetUrl }: { nickname: string; newEmail: string; resetUrl: string }, lng: Language = 'en'): Mail {
  const t = tFor(lng);
  return compose(to, lng, {
    subject: t('mail:change_notice.subject'),
    greeting: t('mail:greeting', { nickname }),
    paragraphs: [t('mail:change_notice.asked', { email: newEmail }), t('mail:change_notice.if_you')],
    action: { label: t('mail:change_notice.action'), url: resetUrl },
    after: [t('mail:change_notice.after')],
  });
}

/**
 * The hourly digest of notifications. The unsubscribe link works without signing in; the
 * List-Unsubscribe headers let a mail program offer the same in one click (RFC 8058).
 */
export function notificationDigestMail(
  to: string,
  { nickname, items, pageUrl, settingsUrl, unsubscribeUrl }: { nickname: string; items: Array<{ text: string; url: string }>; pageUrl: string; settingsUrl: string; unsubscribeUrl: string },
  lng: Language = 'en',
): Mail {
  const t = tFor(lng);
  const n = items.length;
  const mail = compose(to, lng, {
    subject: n === 1 ? t('mail:digest.subject_single', { text: items[0]!.text }) : t('mail:digest.subject_many', { n }),
    greeting: t('mail:greeting', { nickname }),
    paragraphs: [n === 1 ? t('mail:digest.happened_single') : t('mail:digest.happened_many', { n })],
    items,
    action: { label: t('mail:digest.action'), url: pageUrl },
    after: [t('mail:digest.after', { settingsUrl, unsubscribeUrl })],
  });
  return { ...mail, headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } };
}
