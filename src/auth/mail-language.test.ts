import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { buildUser, csrfFrom, uniq } from '../../test/factories.js';
import { startMailServer, type MailServer } from '../../test/mail-server.js';

// Each mail is written in its recipient's language: the one they signed up in, or chose
// later with the footer's switch while signed in. Real SMTP, real worker, as in email-links.test.ts.

let ctx: TestContext;
let smtp: MailServer;
beforeAll(async () => {
  smtp = await startMailServer();
  ctx = await createTestContext({ MAIL_TRANSPORT: 'smtp', SMTP_URL: smtp.url, MAIL_FROM: 'SoundHub <no-reply@soundhub.test>' }, { worker: true });
}, 120_000);
afterAll(async () => {
  await ctx?.close();
  await smtp?.close();
});

/** Words of the English letters, once the nickname, links and brand are out: none may be left in a Korean one. */
const englishOf = (text: string, nickname: string) => text.split(nickname).join(' ').replace(/https?:\/\/\S+|\S+@\S+|SoundHub/g, ' ').match(/[A-Za-z]{2,}/g) ?? [];

async function askReset(email: string) {
  const agent = supertest.agent(ctx.app);
  const csrf = await csrfFrom(agent, '/password/forgot');
  expect((await agent.post('/password/forgot').type('form').send({ email, _csrf: csrf })).status).toBe(303);
}

describe('mails in the musician’s language', () => {
  it('sends the verification mail in Korean to a musician who signed up in Korean, and keeps the choice', async () => {
    const agent = supertest.agent(ctx.app);
    expect((await agent.get('/signup?lang=ko')).status).toBe(303); // the footer's switch
    const nickname = uniq('korean');
    const email = `${nickname}@example.test`;
    const csrf = await csrfFrom(agent);
    expect((await agent.post('/signup').type('form').send({ email, nickname, password: 'a long enough secret', _csrf: csrf })).status).toBe(303);
    const mail = await smtp.next(email, /이메일 주소를 확인해 주세요/);
    expect(mail.text).toContain(`${nickname}님, 안녕하세요.`);
    expect(mail.text).toContain('이메일 확인하기');
    expect(englishOf(mail.text, nickname)).toEqual([]);
    expect(mail.html).toContain('<html lang="ko">');
    expect(mail.link).toMatch(/\/verify-email\?token=/);
    expect((await ctx.db('users').where({ nickname }).first('language')).language).toBe('ko');
  });

  it('writes the reset mail in Korean once a signed-in musician switches to Korean, in English before', async () => {
    const musician = await buildUser(ctx.app);
    expect((await ctx.db('users').where({ nickname: musician.nickname }).first('language')).language).toBe('en');
    await askReset(musician.email);
    const english = await smtp.next(musician.email, /Choose a new SoundHub password/);
    expect(english.text).toContain(`Hi ${musician.nickname},`);

    const after = smtp.received.length;
    expect((await musician.agent.get('/settings?lang=ko')).status).toBe(303);
    expect((await ctx.db('users').where({ nickname: musician.nickname }).first('language')).language).toBe('ko');
    await askReset(musician.email);
    const korean = await smtp.next(musician.email, /새 비밀번호를 정해 주세요/, { after });
    expect(korean.text).toContain('새 비밀번호 정하기');
    expect(englishOf(korean.text, musician.nickname)).toEqual([]);
  });

  it('writes English to an account that never chose (language null)', async () => {
    const musician = await buildUser(ctx.app);
    await ctx.db('users').where({ nickname: musician.nickname }).update({ language: null });
    await askReset(musician.email);
    const mail = await smtp.next(musician.email, /Choose a new SoundHub password/);
    expect(mail.text).toContain('Someone (we hope you) asked to reset the password');
  });
});
