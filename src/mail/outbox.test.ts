import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, eventually, type TestContext } from '../../test/context.js';
import { csrfFrom, uniq } from '../../test/factories.js';
import { createMailer } from './mailer.js';
import { verifyEmailMail } from './messages.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'soundhub-outbox-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the outbox transport', () => {
  it('writes each message as an .eml file with its text and HTML bodies', async () => {
    const mailer = createMailer({ transport: 'outbox', dir, from: 'SoundHub <no-reply@soundhub.test>', maxAttempts: 1 });
    await mailer.send(verifyEmailMail('ana@example.test', { nickname: 'ana <b>', url: 'http://localhost:3000/verify-email?token=abc' }));
    const files = (await readdir(dir)).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const mail = await simpleParser(await readFile(path.join(dir, files[0]!)));
    expect(mail.subject).toBe('Confirm your email for SoundHub');
    expect(mail.from?.text).toContain('no-reply@soundhub.test');
    expect(mail.text).toContain('http://localhost:3000/verify-email?token=abc');
    expect(mail.html).toContain('href="http://localhost:3000/verify-email?token=abc"');
    // The nickname is text in the HTML body, never markup.
    expect(mail.html).toContain('ana &lt;b&gt;');
  });
});

describe('/dev/mail', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ MAIL_OUTBOX_DIR: path.join(dir, 'app') }, { worker: true });
  }, 120_000);
  afterAll(() => ctx?.close());

  it('lists the mail the worker wrote to the outbox and shows each one with its link', async () => {
    const agent = supertest.agent(ctx.app);
    const nickname = uniq('outboxer');
    const csrf = await csrfFrom(agent);
    await agent.post('/signup').type('form').send({ email: `${nickname}@example.test`, nickname, password: 'a long enough secret', _csrf: csrf });
    const list = await eventually(async () => {
      const res = await supertest(ctx.app).get('/dev/mail');
      return res.text.includes(`${nickname}@example.test`) ? res : undefined;
    }, { what: 'the verify mail in the outbox' });
    expect(list.status).toBe(200);
    const id = /href="\/dev\/mail\/([0-9a-f-]+)"/.exec(list.text)![1]!;
    const one = await supertest(ctx.app).get(`/dev/mail/${id}`);
    expect(one.status).toBe(200);
    expect(one.text).toContain('Confirm your email for SoundHub');
    const link = /<a href="(http:\/\/localhost:\d+\/verify-email\?token=[^"]+)"/.exec(one.text)?.[1];
    expect(link).toBeDefined();
    expect((await agent.get(new URL(link!).pathname + new URL(link!).search)).status).toBe(200);
    expect((await supertest(ctx.app).get('/dev/mail/0000000000000-000000000000')).status).toBe(404);
    expect((await supertest(ctx.app).get('/dev/mail/..%2F..%2Fetc%2Fpasswd')).status).toBe(404);
  });

  it('does not exist when mail goes out another way', async () => {
    const smtp = await createTestContext({ MAIL_TRANSPORT: 'smtp', SMTP_URL: 'smtp://127.0.0.1:9', MAIL_FROM: 'SoundHub <no-reply@soundhub.test>' });
    try {
      expect((await supertest(smtp.app).get('/dev/mail')).status).toBe(404);
    } finally {
      await smtp.close();
    }
  });
});
