import sharp from 'sharp';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { waitForTrack } from '../../test/coproduction.js';
import { insertPost, insertTrack, insertUser } from '../../test/db-factories.js';
import { buildPost, buildUser, type SignedIn } from '../../test/factories.js';

/**
 * Sharing a song or a profile elsewhere: the tags scrapers read, the player other sites
 * frame (and only it), and its oEmbed description.
 */
const SITE = 'https://soundhub.example';
let ctx: TestContext;
let author: SignedIn;
let song: { id: number; authorTrackId: string };

beforeAll(async () => {
  ctx = await createTestContext({ PUBLIC_URL: SITE }, { worker: true });
  author = await buildUser(ctx.app);
  const { id } = await buildPost(author, { title: 'Harbour <Lights> & Co', description: 'A slow one for the night shift.' });
  const row = await ctx.db('posts').where({ id }).first('author_track_id');
  song = { id, authorTrackId: row.author_track_id };
  await waitForTrack(ctx, song.authorTrackId);
}, 120_000);
afterAll(() => ctx?.close());

const decode = (s: string) => s.replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
/** The content of `<meta property|name="key">` (every one of them when repeated). */
const metaOf = (html: string, key: string) => [...html.matchAll(new RegExp(`<meta (?:property|name)="${key.replace(/:/g, ':')}" content="([^"]*)">`, 'g'))].map((m) => decode(m[1]!));
const oembedLinkOf = (html: string) => /<link rel="alternate" type="application\/json\+oembed" href="([^"]+)"/.exec(html)?.[1];
const cspOf = (res: supertest.Response) => String(res.headers['content-security-policy'] ?? '');

describe('share tags', () => {
  it('a song page names its page, art, audio and player by absolute URLs on PUBLIC_URL', async () => {
    const res = await supertest(ctx.app).get(`/posts/${song.id}`).expect(200);
    const track = await ctx.db('tracks').where({ id: song.authorTrackId }).first('stream_type');
    expect(metaOf(res.text, 'og:type')).toEqual(['music.song']);
    expect(metaOf(res.text, 'og:title')).toEqual([`Harbour <Lights> & Co by ${author.nickname}`]);
    expect(metaOf(res.text, 'og:description')).toEqual(['A slow one for the night shift.']);
    expect(metaOf(res.text, 'og:url')).toEqual([`${SITE}/posts/${song.id}`]);
    expect(metaOf(res.text, 'og:image')).toEqual([`${SITE}/posts/${song.id}/art.png`]);
    expect(metaOf(res.text, 'og:audio')).toEqual([`${SITE}/tracks/${song.authorTrackId}/stream`]);
    expect(metaOf(res.text, 'og:audio:type')).toEqual([track.stream_type]);
    expect(metaOf(res.text, 'twitter:card')).toEqual(['player']);
    expect(metaOf(res.text, 'twitter:player')).toEqual([`${SITE}/posts/${song.id}/embed`]);
    expect(metaOf(res.text, 'twitter:player:width')).toEqual(['480']);
    expect(metaOf(res.text, 'twitter:player:height')).toEqual(['160']);
    expect(decode(oembedLinkOf(res.text)!)).toBe(`${SITE}/oembed?url=${encodeURIComponent(`${SITE}/posts/${song.id}`)}&format=json`);
    // The share box carries the same link and an iframe of the player.
    expect(res.text).toContain(`value="${SITE}/posts/${song.id}"`);
    expect(decode(/<textarea id="share-embed"[^>]*>([^<]*)<\/textarea>/.exec(res.text)![1]!)).toContain(`<iframe src="${SITE}/posts/${song.id}/embed" width="480" height="160"`);
  });

  it('the drawn cover the tags point at is a 600×600 PNG that other sites may show', async () => {
    const res = await supertest(ctx.app).get(`/posts/${song.id}/art.png`).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c)).on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const info = await sharp(res.body as Buffer).metadata();
    expect([info.format, info.width, info.height]).toEqual(['png', 600, 600]);
  });

  it('uploaded cover art is announced at its largest stored size', async () => {
    const post = await insertPost(ctx.db);
    const pictureId = '0f5a5c1e-9b7a-4c39-8f0e-3f6b2f1d2a10';
    await ctx.db('posts').where({ id: post.id }).update({ cover_picture_id: pictureId });
    const res = await supertest(ctx.app).get(`/posts/${post.id}`).expect(200);
    expect(metaOf(res.text, 'og:image')).toEqual([`${SITE}/images/song-cover/${pictureId}/1200.webp`]);
    await supertest(ctx.app).get(`/posts/${post.id}/art.png`).expect(302).expect('Location', `/images/song-cover/${pictureId}/600.webp`);
  });

  it('a profile is a summary card with its avatar as an absolute URL', async () => {
    const res = await supertest(ctx.app).get(`/users/${author.nickname}`).expect(200);
    expect(metaOf(res.text, 'og:type')).toEqual(['profile']);
    expect(metaOf(res.text, 'og:url')).toEqual([`${SITE}/users/${author.nickname}`]);
    expect(metaOf(res.text, 'og:image')).toEqual([`${SITE}/users/${author.nickname}/avatar.png`]);
    expect(metaOf(res.text, 'og:profile:username')).toEqual([author.nickname]);
    expect(metaOf(res.text, 'twitter:card')).toEqual(['summary']);
    expect(metaOf(res.text, 'og:audio')).toEqual([]);
    expect(oembedLinkOf(res.text)).toBeUndefined();
    const avatar = await supertest(ctx.app).get(`/users/${author.nickname}/avatar.png`).expect(200);
    expect(avatar.headers['content-type']).toBe('image/png');
    await supertest(ctx.app).get('/users/nobody-by-that-name/avatar.png').expect(404);
  });

  it('other pages carry no share tags', async () => {
    const res = await supertest(ctx.app).get('/genres').expect(200);
    expect(metaOf(res.text, 'og:url')).toEqual([]);
  });
});

describe('the embeddable player', () => {
  it('may be framed by any site, while the song page and the rest refuse every frame', async () => {
    const embed = await supertest(ctx.app).get(`/posts/${song.id}/embed`).expect(200);
    expect(cspOf(embed)).toMatch(/frame-ancestors \*(;|$)/);
    expect(embed.headers['x-frame-options']).toBeUndefined();
    for (const url of [`/posts/${song.id}`, '/', `/users/${author.nickname}`, `/posts/${song.id}/embed-not`]) {
      const page = await supertest(ctx.app).get(url);
      expect(cspOf(page), url).toMatch(/frame-ancestors 'none'(;|$)/);
      expect(page.headers['x-frame-options'], url).toBe('DENY');
    }
  });

  it('shows the art, title, artist, a play button, the waveform from the peaks and a link back', async () => {
    const res = await supertest(ctx.app).get(`/posts/${song.id}/embed`).expect(200);
    expect(res.text).toContain('Harbour &lt;Lights&gt; &amp; Co');
    expect(res.text).toContain(`href="${SITE}/users/${author.nickname}"`);
    expect(res.text).toContain(`href="${SITE}/posts/${song.id}"`);
    expect(res.text).toContain(`src="/tracks/${song.authorTrackId}/stream"`);
    expect(res.text).toMatch(/data-embed-play/);
    // 96 bars per layer (the grey and the played one), from the 2000 stored peaks.
    expect(res.text.match(/<rect /g)?.length).toBe(2 * 96);
    // The site's layout (header, navigation, forms) stays out of the frame.
    expect(res.text).not.toContain('class="topbar"');
  });

  it('answers 404 for a song that was deleted or has nothing to play', async () => {
    const user = await insertUser(ctx.db);
    const failed = await insertTrack(ctx.db, { ownerId: user.id, status: 'failed' });
    const silent = await insertPost(ctx.db, { authorId: user.id });
    await ctx.db('posts').where({ id: silent.id }).update({ author_track_id: failed.id });
    await supertest(ctx.app).get(`/posts/${silent.id}/embed`).expect(404);
    await supertest(ctx.app).get('/oembed').query({ url: `${SITE}/posts/${silent.id}` }).expect(404);
    // Its page still opens, announcing no player and no oEmbed.
    const page = await supertest(ctx.app).get(`/posts/${silent.id}`).expect(200);
    expect(metaOf(page.text, 'twitter:card')).toEqual(['summary']);
    expect(oembedLinkOf(page.text)).toBeUndefined();
    expect(page.text).not.toContain('id="share-embed"');

    const gone = await insertPost(ctx.db);
    await ctx.db('posts').where({ id: gone.id }).delete();
    await supertest(ctx.app).get(`/posts/${gone.id}/embed`).expect(404);
    await supertest(ctx.app).get('/oembed').query({ url: `${SITE}/posts/${gone.id}` }).expect(404);
  });
});

describe('oEmbed', () => {
  it('describes a song as a rich iframe of the player, with its author and thumbnail', async () => {
    const res = await supertest(ctx.app).get('/oembed').query({ url: `${SITE}/posts/${song.id}`, format: 'json' }).expect(200).expect('Content-Type', /application\/json/);
    expect(res.body).toEqual({
      version: '1.0',
      type: 'rich',
      provider_name: 'SoundHub',
      provider_url: `${SITE}/`,
      title: 'Harbour <Lights> & Co',
      author_name: author.nickname,
      author_url: `${SITE}/users/${author.nickname}`,
      html: expect.stringContaining(`<iframe src="${SITE}/posts/${song.id}/embed" width="480" height="160"`),
      width: 480,
      height: 160,
      thumbnail_url: `${SITE}/posts/${song.id}/art.png`,
      thumbnail_width: 600,
      thumbnail_height: 600,
      cache_age: 3600,
    });
    expect(res.body.html).toContain('title="Harbour &lt;Lights&gt; &amp; Co by');
    // The player's own address (and http for https) names the same song.
    const again = await supertest(ctx.app).get('/oembed').query({ url: `http://soundhub.example/posts/${song.id}/embed` }).expect(200);
    expect(again.body.title).toBe('Harbour <Lights> & Co');
  });

  it('fits maxwidth and maxheight, leaving out a thumbnail that would not fit', async () => {
    const res = await supertest(ctx.app).get('/oembed').query({ url: `${SITE}/posts/${song.id}`, maxwidth: 320, maxheight: 120 }).expect(200);
    expect([res.body.width, res.body.height]).toEqual([320, 120]);
    expect(res.body.html).toContain('width="320" height="120"');
    expect(res.body.thumbnail_url).toBeUndefined();
    const roomy = await supertest(ctx.app).get('/oembed').query({ url: `${SITE}/posts/${song.id}`, maxwidth: 2000, maxheight: 2000 }).expect(200);
    expect([roomy.body.width, roomy.body.height, roomy.body.thumbnail_width]).toEqual([480, 160, 600]);
  });

  it('answers 404 for pages that are not songs, 501 for XML and 422 for a size that is not one', async () => {
    for (const url of [`${SITE}/users/${author.nickname}`, `${SITE}/`, `https://elsewhere.example/posts/${song.id}`, 'not a url', `${SITE}/posts/99999999`, `${SITE}/posts/${song.id}/edit`]) {
      await supertest(ctx.app).get('/oembed').query({ url }).expect(404);
    }
    await supertest(ctx.app).get('/oembed').query({ url: `${SITE}/posts/${song.id}`, format: 'xml' }).expect(501);
    await supertest(ctx.app).get('/oembed').query({ url: `${SITE}/posts/${song.id}`, maxwidth: 'wide' }).expect(422);
    await supertest(ctx.app).get('/oembed').expect(422);
  });
});
