import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMessage, openConversation } from '../../src/messages/queries.js';
import { createTestContext, type TestContext } from '../context.js';
import { FACTORY_PASSWORD, insertUser, type UserRow } from '../db-factories.js';
import { launchChromium, listen, logIn } from './browser.js';

/**
 * Messages in Chromium: a message sent from the conversation page appears at the bottom
 * without a page load (client/messages.ts) and is what a reload shows; a refused one shows its
 * reason under the box with the text kept; a block from the profile takes the form away and
 * settings lifts it. Screenshots of each page at phone and desktop widths go to SHOTS_DIR.
 */
const SHOTS = process.env.SHOTS_DIR ?? 'test-results/screenshots';

let ctx: TestContext;
let web: Awaited<ReturnType<typeof listen>>;
let browser: Browser;

/** A conversation with `lines` written by `a` and `b` in turn, `a` first. */
async function chat(a: UserRow, b: UserRow, lines: string[]) {
  await ctx.db.transaction(async (trx) => {
    const { id } = await openConversation(trx, a.id, b.id, new Date());
    for (const [i, body] of lines.entries()) await insertMessage(trx, { conversationId: id, senderId: i % 2 ? b.id : a.id, body });
  });
}

/** A musician with four conversations, one unread message in each; `friend` wrote the longest. */
async function musicianWithFriends() {
  const [me, friend] = await Promise.all([insertUser(ctx.db), insertUser(ctx.db, { nickname: `mina_${randomBytes(2).toString('hex')}` })]);
  for (const name of ['joon_drums', 'sora_keys', 'alex_vocals']) {
    const other = await insertUser(ctx.db, { nickname: `${name}_${randomBytes(2).toString('hex')}` });
    await chat(me, other, [`Hey! I heard your ${name.split('_')[1]} take on “Late Train”.`, 'Thanks — want the stems?']);
  }
  await chat(friend, me, [
    'Your guitar part on “Sunrise in C” is lovely. Could you try it a little behind the beat in the second verse?',
    'Sure, I will record another take tonight.',
    'Great. The bass is in already, so the groove should sit well.\nNo rush!',
  ]);
  return { me, friend };
}

beforeAll(async () => {
  ctx = await createTestContext();
  web = await listen(ctx.app);
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await ctx?.close();
});

describe('messages in the browser', () => {
  for (const width of [1440, 390]) {
    it(`send without a reload, a refusal under the box, and how the pages look at ${width} px`, async () => {
      const { me, friend } = await musicianWithFriends();
      const page = await browser.newPage({ viewport: { width, height: width > 500 ? 900 : 844 } });
      await logIn(page, web.baseUrl, { email: me.email, password: FACTORY_PASSWORD }, '/messages');
      expect(await page.locator('.nav-messages .count-badge').textContent()).toBe('4');
      await page.screenshot({ path: `${SHOTS}/messages-inbox-${width}.png`, fullPage: true });

      await page.click(`.inbox-item a[href="/messages/${friend.nickname}"]`);
      await page.waitForURL(`${web.baseUrl}/messages/${friend.nickname}`);
      expect(await page.locator('.nav-messages .count-badge').textContent(), 'this conversation is read now').toBe('3');
      await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
      const text = `Take ${width} sounds great`;
      await page.fill('#body', text);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('.message.mine .message-body').last().textContent()).toBe(text);
      expect(await page.inputValue('#body')).toBe('');
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

      // Past the box's maxlength, as an old browser or a paste through a script could send.
      await page.evaluate(() => document.querySelector<HTMLTextAreaElement>('#body')!.removeAttribute('maxlength'));
      await page.fill('#body', 'x'.repeat(2001));
      await page.click('.message-form button[type="submit"]');
      await expect.poll(() => page.locator('#body-error').textContent()).toBe('A message can be at most 2000 characters.');
      expect((await page.inputValue('#body')).length).toBe(2001);
      await page.fill('#body', '');
      await page.screenshot({ path: `${SHOTS}/messages-conversation-${width}.png`, fullPage: true });

      await page.reload();
      expect(await page.locator('.message.mine .message-body').last().textContent()).toBe(text);
      await page.goto(`${web.baseUrl}/users/${friend.nickname}`);
      await page.click('.profile-more summary');
      await page.screenshot({ path: `${SHOTS}/messages-profile-${width}.png` });

      // Blocking from the profile: the conversation stays readable, the form gives way to the unblock button.
      await Promise.all([page.waitForURL(`${web.baseUrl}/users/${friend.nickname}`), page.click(`button:has-text("Block ${friend.nickname}")`)]);
      expect(await page.locator('.blocked-note').textContent()).toContain(`You blocked ${friend.nickname}`);
      await page.goto(`${web.baseUrl}/messages/${friend.nickname}`);
      expect(await page.locator('.conversation-refusal p').textContent()).toBe(`You blocked ${friend.nickname}. Unblock them to send a message.`);
      expect(await page.locator('form[data-message-form]').count()).toBe(0);
      await page.screenshot({ path: `${SHOTS}/messages-blocked-${width}.png`, fullPage: true });
      await page.goto(`${web.baseUrl}/settings/blocked`);
      await page.screenshot({ path: `${SHOTS}/messages-settings-blocked-${width}.png`, fullPage: true });
      await Promise.all([page.waitForURL(`${web.baseUrl}/settings/blocked`), page.click(`button:has-text("Unblock")`)]);
      expect(await page.locator('.blocked-list').count()).toBe(0);
      await page.close();
    });
  }
});
