import { describe, expect, it } from 'vitest';
import { accountExistsMail, changeEmailMail, emailChangeNoticeMail, notificationDigestMail, passwordResetMail, verifyEmailMail } from './messages.js';
import type { Language } from '../web/i18n.js';

const site = 'https://soundhub.test';
const letters = (lng: Language) => [
  verifyEmailMail('a@example.test', { nickname: '가수', url: `${site}/verify-email?token=x` }, lng),
  accountExistsMail('a@example.test', { nickname: '가수', loginUrl: `${site}/login`, resetUrl: `${site}/password/forgot` }, lng),
  passwordResetMail('a@example.test', { nickname: '가수', url: `${site}/password/reset?token=x` }, lng),
  changeEmailMail('b@example.test', { nickname: '가수', url: `${site}/verify-email?token=y` }, lng),
  emailChangeNoticeMail('a@example.test', { nickname: '가수', newEmail: 'b@example.test', resetUrl: `${site}/password/forgot` }, lng),
  notificationDigestMail('a@example.test', { nickname: '가수', items: [{ text: '새 소식', url: `${site}/posts/1` }, { text: '또 다른 소식', url: `${site}/posts/2` }], pageUrl: `${site}/notifications`, settingsUrl: `${site}/settings/notifications`, unsubscribeUrl: `${site}/notifications/unsubscribe?u=1` }, lng),
];
/** Letters of the alphabet left once links, addresses, the brand and the markup are out. */
const english = (s: string) => s.replace(/<[^>]+>/g, ' ').replace(/https?:\/\/\S+|\S+@\S+|SoundHub|&\w+;/g, ' ').match(/[A-Za-z]{2,}/g) ?? [];

describe('account mails in both languages', () => {
  it('writes English as it always has', () => {
    const [verify, , reset, , , digest] = letters('en');
    expect(verify!.subject).toBe('Confirm your email for SoundHub');
    expect(verify!.text).toBe(
      'Hi 가수,\n\nWelcome to SoundHub. Confirm that this address is yours and you can post songs and add parts to other people’s.\n\nConfirm my email:\nhttps://soundhub.test/verify-email?token=x\n\nThe link works once, for 48 hours. If you did not sign up, ignore this mail: nothing happens without the link.\n\n— SoundHub',
    );
    expect(verify!.html).toContain('Or open this address: https://soundhub.test/verify-email?token=x');
    expect(reset!.subject).toBe('Choose a new SoundHub password');
    expect(digest!.subject).toBe('SoundHub: 2 new things on your songs');
    expect(digest!.text).toContain('These 2 things happened on SoundHub since you last looked:');
  });

  it('writes every mail wholly in Korean, subject, text and HTML', () => {
    for (const mail of letters('ko')) {
      expect(english(mail.subject), mail.subject).toEqual([]);
      expect(english(mail.text), mail.text).toEqual([]);
      expect(english(mail.html.replace(/style="[^"]*"|<!doctype html>|lang="ko"/g, ' ')), mail.subject).toEqual([]);
      expect(mail.text).toContain('가수님, 안녕하세요.');
      expect(mail.html).toContain('<html lang="ko">');
    }
    const digest = letters('ko')[5]!;
    expect(digest.subject).toBe('SoundHub: 회원님의 곡에 새 소식 2건');
    expect(digest.headers?.['List-Unsubscribe']).toBe('<https://soundhub.test/notifications/unsubscribe?u=1>');
  });
});
