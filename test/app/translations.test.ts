import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Parser } from 'htmlparser2';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingKeys } from '../../src/web/i18n.js';
import { createTestContext, type TestContext } from '../context.js';
import { addContribution, saveMix, waitForTrack, waitForVersion } from '../coproduction.js';
import { buildPost, buildUser, makeTone, type SignedIn } from '../factories.js';
import { registeredRoutes } from '../routes.js';

/**
 * Every page, read in Korean by a visitor and by musicians whose names, songs, parts, comments
 * and messages hold no Latin letters: any English word left on the page is a string that did
 * not go through the translation layer (src/web/i18n.ts), and any key a language lacks is
 * recorded by i18next's missing-key handler. New GET routes must be listed here or in NOT_PAGES.
 */
const LOCALES = path.resolve(import.meta.dirname, '../../locales');
const KO = { Cookie: 'soundhub.lang=ko' };

/** Latin words a Korean page may show: the brand, file formats and units musicians use as is. */
const LATIN_OK = new Set(['SoundHub', 'MP3', 'WAV', 'FLAC', 'OGG', 'Opus', 'M4A', 'AAC', 'AIFF', 'BPM', 'KB', 'MB', 'GB', 'UTC', 'dB', 'Hz', 'kHz', 'ms', 'ZIP', 'URL', 'Walk', 'ID', 'English', 'Open', 'Graph', 'oEmbed', 'iframe', 'WebM', 'RSS', 'Markdown', 'JPEG', 'PNG', 'GIF', 'AVIF', 'LUFS', 'WebP']);

// Picture formats and their metadata are named as is in Korean too.
for (const w of ['JPEG', 'PNG', 'WebP', 'GIF', 'AVIF', 'EXIF']) LATIN_OK.add(w);

/** GET routes that are not pages a person reads (files, JSON, redirects, health). */
const NOT_PAGES = new Set([
  'GET /healthz', 'GET /readyz', 'GET /auth/:provider', 'GET /auth/:provider/callback', 'GET /auth/welcome', 'GET /auth/link',
  'GET /posts/:id/parts.json', 'GET /posts/:id/stems.zip', 'GET /tracks/:id/stream', 'GET /tracks/:id/download', 'GET /tracks/:id/peaks.json',
  'GET /oembed', 'GET /posts/:id/art.png', 'GET /users/:nickname/avatar.png', 'GET /images/:kind/:id/:file', 'GET /drawn/:kind/:file', 'GET /dev/mail/:id',
  'GET /posts/:id/versions/:number', 'GET /notifications/unsubscribe', 'GET /verify-email', 'GET /password/reset', 'GET /bench/baseline',
]);

let ctx: TestContext;
let author: SignedIn;
let contributor: SignedIn;
let postId = 0;
let partId = 0;

/** A nickname of digits only (the nickname rule allows letters, digits, _ and -). */
const digitsNickname = () => `_${randomInt(10 ** 8, 10 ** 9)}`;

type Viewer = 'visitor' | 'author' | 'contributor';
const pages = (): Record<string, { url: string; as: Viewer }> => ({
  'GET /': { url: '/', as: 'visitor' },
  'GET /new': { url: '/new', as: 'visitor' },
  'GET /trending': { url: '/trending', as: 'visitor' },
  'GET /following': { url: '/following', as: 'contributor' },
  'GET /for-you': { url: '/for-you', as: 'contributor' },
  'GET /looking-for': { url: '/looking-for?genre=rock', as: 'visitor' },
  'GET /looking-for/:instrument': { url: '/looking-for/bass', as: 'visitor' },
  'GET /genres': { url: '/genres', as: 'visitor' },
  'GET /genres/:slug': { url: '/genres/rock', as: 'visitor' },
  'GET /instruments': { url: '/instruments', as: 'visitor' },
  'GET /instruments/:slug': { url: '/instruments/guitar', as: 'visitor' },
  'GET /search': { url: '/search?q=노래', as: 'visitor' },
  'GET /signup': { url: '/signup', as: 'visitor' },
  'GET /signup/sent': { url: '/signup/sent', as: 'visitor' },
  'GET /login': { url: '/login', as: 'visitor' },
  'GET /password/forgot': { url: '/password/forgot', as: 'visitor' },
  'GET /account/deleted': { url: '/account/deleted', as: 'visitor' },
  'GET /dev/mail': { url: '/dev/mail', as: 'visitor' },
  'GET /posts/new': { url: '/posts/new', as: 'author' },
  'GET /posts/:id': { url: `/posts/${postId}`, as: 'author' },
  'GET /posts/:id/edit': { url: `/posts/${postId}/edit`, as: 'author' },
  'GET /posts/:id/delete': { url: `/posts/${postId}/delete`, as: 'author' },
  'GET /posts/:id/versions': { url: `/posts/${postId}/versions`, as: 'visitor' },
  'GET /posts/:id/embed': { url: `/posts/${postId}/embed`, as: 'visitor' },
  'GET /contributions/:id/edit': { url: `/contributions/${partId}/edit`, as: 'contributor' },
  'GET /users/:nickname': { url: `/users/${author.nickname}`, as: 'visitor' },
  'GET /users/:nickname/parts': { url: `/users/${contributor.nickname}/parts`, as: 'visitor' },
  'GET /users/:nickname/liked': { url: `/users/${contributor.nickname}/liked`, as: 'visitor' },
  'GET /users/:nickname/liked/parts': { url: `/users/${contributor.nickname}/liked/parts`, as: 'visitor' },
  'GET /users/:nickname/followers': { url: `/users/${author.nickname}/followers`, as: 'visitor' },
  'GET /users/:nickname/following': { url: `/users/${contributor.nickname}/following`, as: 'visitor' },
  'GET /messages': { url: '/messages', as: 'contributor' },
  'GET /messages/:nickname': { url: `/messages/${author.nickname}`, as: 'contributor' },
  'GET /notifications': { url: '/notifications', as: 'author' },
  'GET /settings': { url: '/settings', as: 'author' },
  'GET /settings/account': { url: '/settings/account', as: 'author' },
  'GET /settings/email': { url: '/settings/email', as: 'author' },
  'GET /settings/notifications': { url: '/settings/notifications', as: 'author' },
  'GET /settings/blocked': { url: '/settings/blocked', as: 'author' },
  'GET /settings/pictures': { url: '/settings/pictures', as: 'author' },
});

/** What a reader sees or hears of a page: its text and the labels of its controls, without scripts. */
export function visibleText(html: string): string[] {
  const out: string[] = [];
  const codeAreas: boolean[] = [];
  let hidden = 0;
  const parser = new Parser({
    onopentag(name, attrs) {
      if (name === 'textarea') codeAreas.push('readonly' in attrs); // a readonly textarea holds code to copy (the embed code)
      if (name === 'script' || name === 'style' || name === 'template' || (name === 'textarea' && codeAreas.at(-1))) hidden++;
      for (const a of ['aria-label', 'placeholder', 'title', 'alt', 'aria-valuetext', 'aria-description']) if (attrs[a]) out.push(attrs[a]);
      if (name === 'input' && (attrs.type === 'submit' || attrs.type === 'button') && attrs.value) out.push(attrs.value);
      if (name === 'meta' && (attrs.name === 'description' || attrs.property === 'og:description')) out.push(attrs.content ?? '');
    },
    ontext(text) {
      if (!hidden && text.trim()) out.push(text.trim());
    },
    onclosetag(name) {
      if (name === 'script' || name === 'style' || name === 'template' || (name === 'textarea' && codeAreas.pop())) hidden--;
    },
  }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return out;
}

/** English words in a text, after removing the musicians' own data (nicknames, addresses, links). */
export function englishWords(texts: string[], data: string[]): string[] {
  const words: string[] = [];
  for (let t of texts) {
    for (const d of data) t = t.split(d).join(' ');
    t = t.replace(/https?:\/\/\S+|\S+@\S+|\/[\w/.:-]+/g, ' ');
    // \d*: MP3 and M4A are one word each
    for (const w of t.match(/[A-Za-z][A-Za-z'’]+\d*/g) ?? []) if (!LATIN_OK.has(w)) words.push(`${w} (in “${t.slice(0, 80)}”)`);
  }
  return words;
}

function readLocale(lng: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of readdirSync(path.join(LOCALES, lng))) if (f.endsWith('.json')) out[f.slice(0, -5)] = JSON.parse(readFileSync(path.join(LOCALES, lng, f), 'utf8'));
  return out;
}

function flatten(o: unknown, prefix = ''): Record<string, string> {
  if (typeof o === 'string') return { [prefix]: o };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o as Record<string, unknown>)) Object.assign(out, flatten(v, prefix ? `${prefix}.${k}` : k));
  return out;
}

describe('translations', () => {
  it('Korean has every key English has, with the same placeholders, and no key of its own', () => {
    const en = readLocale('en');
    const ko = readLocale('ko');
    const isMessages = (ns: string) => ns === 'messages' || ns.startsWith('messages-'); // keyed by the English text: Korean only
    expect(Object.keys(ko).filter((n) => !isMessages(n)).sort()).toEqual(Object.keys(en).filter((n) => !isMessages(n)).sort());
    for (const ns of Object.keys(en)) {
      if (isMessages(ns)) continue;
      const e = flatten(en[ns]);
      const k = flatten(ko[ns]);
      expect(Object.keys(k).sort(), `keys of ${ns}.json`).toEqual(Object.keys(e).sort());
      for (const key of Object.keys(e)) {
        const placeholders = (s: string) => (s.match(/\{\{\s*\w+\s*\}\}/g) ?? []).map((p) => p.replace(/\s/g, '')).sort();
        expect(placeholders(k[key]!), `placeholders of ${ns}:${key}`).toEqual(placeholders(e[key]!));
        expect(k[key]!.trim(), `${ns}:${key} in Korean`).not.toBe('');
        if (/[A-Za-z]{3,}/.test(e[key]!.replace(/\{\{\w+\}\}/g, '')) && !/^[A-Za-z]+$/.test(e[key]!)) {
          expect(/[가-힣]/.test(k[key]!), `${ns}:${key} is written in Korean, not copied: “${k[key]}”`).toBe(true);
        }
      }
    }
    const messages = Object.keys(ko).filter(isMessages).map((ns) => ko[ns] as Record<string, string>);
    for (const [key, value] of messages.flatMap((m) => Object.entries(m))) expect(/[가-힣]/.test(value), `messages “${key}” is written in Korean`).toBe(true);
  });

  it('every key the views and the client script ask for exists in English', () => {
    const en = readLocale('en');
    const root = path.resolve(import.meta.dirname, '../..');
    const files = [
      ...readdirSync(path.join(root, 'views'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ejs')).map((f) => path.join(root, 'views', f)),
      ...readdirSync(path.join(root, 'client'), { encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(root, 'client', f)),
    ];
    const unknown: string[] = [];
    for (const file of files) {
      const ns = file.includes(`${path.sep}client${path.sep}`) ? 'client' : 'common';
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([^'$]+)'/g)) {
        const [space, key] = m[1]!.includes(':') ? (m[1]!.split(':') as [string, string]) : [ns, m[1]!];
        const keys = flatten(en[space] ?? {}); // a plural is asked for by its base key
        if (!(key in keys) && !(`${key}_other` in keys)) unknown.push(`${path.relative(root, file)}: ${space}:${key}`);
      }
    }
    expect(unknown).toEqual([]);
  });
});

describe('a Korean reader', () => {
  let data: string[] = [];
  beforeAll(async () => {
    ctx = await createTestContext({}, { worker: true });
    [author, contributor] = await Promise.all([buildUser(ctx.app, { nickname: digitsNickname() }), buildUser(ctx.app, { nickname: digitsNickname() })]);
    const tone = await makeTone({ seconds: 2 });
    const built = await buildPost(author, { title: '봄날의 노래', description: '함께 만들어요', genre: 'rock', instrument: 'guitar' }, { buffer: tone, name: 'idea.mp3' });
    postId = built.id;
    const post = await ctx.db('posts').where({ id: postId }).first('author_track_id');
    const part = await addContribution(contributor, postId, { buffer: tone, name: 'bass.mp3' }, { instrument: 'bass', note: '베이스 파트' });
    partId = part.id;
    await waitForTrack(ctx, post.author_track_id as string);
    await waitForTrack(ctx, part.trackId);
    const mix = await saveMix(author, postId, [{ trackId: post.author_track_id as string, gainDb: 0, pan: 0, muted: false }]);
    expect(mix.status, JSON.stringify(mix.body)).toBe(202);
    await waitForVersion(ctx, mix.body.version.id as number);
    const send = (who: SignedIn, url: string, fields: Record<string, string>) => who.agent.post(url).type('form').send({ ...fields, _csrf: who.csrf }).expect((r) => expect(r.status).toBeLessThan(400));
    await send(contributor, `/users/${author.nickname}/follow`, { on: '1' });
    await send(contributor, `/posts/${postId}/like`, { on: '1' });
    await send(contributor, `/posts/${postId}/comments`, { body: '좋은 곡이네요', at: '0:01' });
    await send(contributor, `/messages/${author.nickname}`, { body: '안녕하세요' });
    data = [author.email, contributor.email, author.nickname, contributor.nickname]; // addresses first: they hold the nicknames
  }, 180_000);
  afterAll(async () => {
    await ctx?.close();
  });

  it('lists every page the app serves, or says it is not a page', () => {
    const gets = registeredRoutes(ctx.app).filter((r) => r.startsWith('GET '));
    const unlisted = gets.filter((r) => !(r in pages()) && !NOT_PAGES.has(r));
    expect(unlisted, 'GET routes to add to test/app/translations.test.ts').toEqual([]);
  });

  it('sees no English on any page, and no key is missing', async () => {
    const agents = { visitor: supertest.agent(ctx.app), author: author.agent, contributor: contributor.agent };
    const found: Record<string, string[]> = {};
    for (const [route, page] of Object.entries(pages())) {
      const res = await agents[page.as].get(page.url).set(KO).set('Accept', 'text/html'); // as a browser asks
      expect(res.status, `${route} ${page.url}`).toBe(200);
      expect(res.headers['content-language']).toBe('ko');
      const words = englishWords(visibleText(res.text), data);
      if (words.length) found[route] = words;
    }
    expect(found).toEqual({});
    expect([...missingKeys]).toEqual([]);
  }, 120_000);

  it('keeps the choice made with the switch in a cookie, over the browser’s language', async () => {
    const agent = supertest.agent(ctx.app);
    const res = await agent.get('/genres?lang=ko').set('Accept-Language', 'en-US,en;q=0.9');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/genres');
    expect(String(res.headers['set-cookie'])).toMatch(/soundhub\.lang=ko/);
    const page = await agent.get('/genres').set('Accept-Language', 'en-US,en;q=0.9');
    expect(page.text).toContain('<html lang="ko"');
    expect(page.text).toContain('장르');
  });

  it('is answered in Korean from Accept-Language alone, and in English otherwise', async () => {
    const ko = await supertest.agent(ctx.app).get('/').set('Accept-Language', 'ko-KR,ko;q=0.9,en;q=0.5');
    expect(ko.text).toContain('<html lang="ko"');
    expect(ko.headers.vary).toMatch(/Accept-Language/);
    const fr = await supertest.agent(ctx.app).get('/').set('Accept-Language', 'fr-FR');
    expect(fr.text).toContain('<html lang="en"');
  });

  it('reads errors in Korean, as a page and as JSON', async () => {
    const page = await supertest.agent(ctx.app).get('/posts/999999999').set(KO);
    expect(page.status).toBe(404);
    expect(englishWords(visibleText(page.text), data)).toEqual([]);
    const json = await supertest.agent(ctx.app).get('/posts/999999999').set(KO).set('Accept', 'application/json');
    expect(json.body.error.message).toMatch(/[가-힣]/);
  });

  it('reads the sign-up form sent back with its errors in Korean', async () => {
    const agent = supertest.agent(ctx.app);
    const form = await agent.get('/signup').set(KO);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
    const res = await agent.post('/signup').set(KO).type('form').send({ _csrf: csrf, email: '주소', nickname: '!', password: '짧음' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('class="field-error"');
    expect(englishWords(visibleText(res.text), data)).toEqual([]);
  });

  it('reads a refusal with a number in it (too many sign-ups) in Korean, the number filled in', async () => {
    const email = `${digitsNickname()}@example.test`;
    let res: supertest.Response | undefined;
    for (let i = 0; i <= ctx.config.authLimits.signUpsPerEmail; i++) {
      const agent = supertest.agent(ctx.app);
      const form = await agent.get('/signup').set(KO);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
      res = await agent.post('/signup').set(KO).type('form').send({ _csrf: csrf, email, nickname: digitsNickname(), password: '아주 긴 비밀번호 1234' });
    }
    if (!res) throw new Error('no sign-up was sent');
    expect(res.status).toBe(429);
    expect(res.text).toMatch(/이 이메일로 가입 시도가 너무 많아요\. \d+분 뒤에 다시 시도해 주세요\./);
    expect(englishWords(visibleText(res.text), [...data, email])).toEqual([]);
  });
});
