import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { buildPost, buildUser, makeTone, type SignedIn } from '../../test/factories.js';
import { headObject } from '../storage/s3.js';

let ctx: TestContext;
let musician: SignedIn;
beforeAll(async () => {
  ctx = await createTestContext({ MAX_UPLOAD_MB: '2' });
  musician = await buildUser(ctx.app);
});
afterAll(() => ctx.close());

const objectKeys = async () => {
  const page = await ctx.storage.client.send(new ListObjectsV2Command({ Bucket: ctx.storage.bucket, Prefix: 'tracks/' }));
  return (page.Contents ?? []).map((o) => o.Key!);
};

function postForm(user: SignedIn, fields: Record<string, string>) {
  const req = user.agent.post('/posts').set('X-CSRF-Token', user.csrf);
  for (const [k, v] of Object.entries(fields)) req.field(k, v);
  return req;
}

describe('posting a song', () => {
  it('stores the MP3 in S3 and the post and track rows, then shows the post page', async () => {
    const mp3 = await makeTone({ seconds: 3, format: 'mp3' });
    const res = await postForm(musician, { title: 'Morning sketch', description: 'Needs drums', genre: 'jazz', instrument: 'keyboard', bpm: '92', key: 'D minor' }).attach('audio', mp3, 'morning sketch.mp3');
    expect(res.status).toBe(303);
    const id = Number(res.headers.location!.replace('/posts/', ''));

    const post = await ctx.db('posts').where({ id }).first();
    expect(post).toMatchObject({ title: 'Morning sketch', description: 'Needs drums', bpm: 92, key: 'D minor' });
    const track = await ctx.db('tracks').where({ id: post.author_track_id }).first();
    expect(track).toMatchObject({ kind: 'author', original_name: 'morning sketch.mp3', original_bytes: mp3.length, channels: 2 });
    expect(track.duration_ms).toBeGreaterThan(2900);
    expect(track.duration_ms).toBeLessThan(3200);
    expect(track.original_key).toBe(`tracks/${track.id}/original.mp3`);
    const head = await headObject(ctx.storage, track.original_key);
    expect(head?.ContentLength).toBe(mp3.length);

    const page = await musician.agent.get(res.headers.location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Morning sketch');
    expect(page.text).toContain(`src="/tracks/${track.id}/stream"`);
    expect(page.text).toContain('Jazz');
    expect(page.text).toContain('92 BPM');
  });

  it('accepts WAV too', async () => {
    const wav = await makeTone({ seconds: 2, format: 'wav' });
    const { id } = await buildPost(musician, {}, { buffer: wav, name: 'take.wav' });
    const post = await ctx.db('posts').where({ id }).first();
    const track = await ctx.db('tracks').where({ id: post.author_track_id }).first();
    expect(track.codec).toMatch(/pcm/);
    expect(track.original_key).toMatch(/original\.wav$/);
  });

  it('refuses a text file named .mp3 with 415, leaving neither row nor object', async () => {
    const postsBefore = await ctx.db('posts').count({ n: '*' });
    const keysBefore = await objectKeys();
    const res = await postForm(musician, { title: 'Fake', genre: 'rock', instrument: 'guitar' })
      .set('Accept', 'text/html')
      .attach('audio', Buffer.from('this is not audio at all, just words\n'.repeat(200)), 'song.mp3');
    expect(res.status).toBe(415);
    expect(res.text).toContain('is not an audio file we can play');
    expect(await ctx.db('posts').count({ n: '*' })).toEqual(postsBefore);
    expect(await ctx.db('tracks').where({ original_name: 'song.mp3' }).first()).toBeUndefined();
    expect(await objectKeys()).toEqual(keysBefore);
  });

  it('refuses a file over MAX_UPLOAD_MB with 413, leaving nothing behind', async () => {
    const keysBefore = await objectKeys();
    const big = Buffer.alloc(3 * 1024 * 1024, 1);
    const res = await postForm(musician, { title: 'Too big', genre: 'rock', instrument: 'guitar' }).attach('audio', big, 'big.wav');
    expect(res.status).toBe(413);
    expect(res.text).toContain('larger than 2 MB');
    expect(await ctx.db('posts').where({ title: 'Too big' }).first()).toBeUndefined();
    expect(await objectKeys()).toEqual(keysBefore);
  });

  it('re-renders the form with 422 for bad fields, and removes the uploaded object', async () => {
    const keysBefore = await objectKeys();
    const res = await postForm(musician, { title: '', genre: 'rock', instrument: 'guitar', bpm: 'fast' }).set('Accept', 'text/html').attach('audio', await makeTone({ seconds: 1 }), 'a.mp3');
    expect(res.status).toBe(422);
    expect(res.text).toContain('Give your song a title.');
    expect(res.text).toContain('BPM must be a number.');
    expect(await objectKeys()).toEqual(keysBefore);

    const unknownGenre = await postForm(musician, { title: 'x', genre: 'polka-step', instrument: 'guitar' }).set('Accept', 'text/html').attach('audio', await makeTone({ seconds: 1 }), 'a.mp3');
    expect(unknownGenre.status).toBe(422);
    expect(unknownGenre.text).toContain('Pick a genre from the list.');
    expect(await objectKeys()).toEqual(keysBefore);
  });

  it('asks for a file when none is sent', async () => {
    const res = await postForm(musician, { title: 'No file', genre: 'rock', instrument: 'guitar' }).set('Accept', 'text/html');
    expect(res.status).toBe(422);
    expect(res.text).toContain('Choose an audio file to upload.');
  });

  it('refuses an upload without a CSRF token before anything reaches S3', async () => {
    const keysBefore = await objectKeys();
    const res = await musician.agent.post('/posts').field('title', 'Forged').field('genre', 'rock').field('instrument', 'guitar').attach('audio', await makeTone({ seconds: 1 }), 'x.mp3');
    expect(res.status).toBe(403);
    expect(await objectKeys()).toEqual(keysBefore);
  });

  it('sends a visitor who is not signed in to log in', async () => {
    const res = await supertest(ctx.app).get('/posts/new').set('Accept', 'text/html');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Fposts%2Fnew');
  });

  it('answers 404 for a post that does not exist', async () => {
    const res = await supertest(ctx.app).get('/posts/999999').set('Accept', 'text/html');
    expect(res.status).toBe(404);
    expect(res.text).toContain('This song does not exist');
  });
});

describe('pages', () => {
  it('home lists newest first with an "older" link (keyset pagination)', async () => {
    const author = await buildUser(ctx.app);
    const titles: string[] = [];
    const tone = await makeTone({ seconds: 1 });
    for (let i = 0; i < 22; i++) {
      const title = `Page test ${i}`;
      titles.push(title);
      await buildPost(author, { title }, { buffer: tone, name: 'x.mp3' });
    }
    const first = await supertest(ctx.app).get('/');
    expect(first.status).toBe(200);
    expect(first.text.indexOf('Page test 21')).toBeLessThan(first.text.indexOf('Page test 20'));
    const older = /href="(\/\?before=[^"]+)"/.exec(first.text)?.[1];
    expect(older).toBeDefined();
    const second = await supertest(ctx.app).get(older!.replace(/&amp;/g, '&'));
    const seenOnFirst = titles.filter((t) => first.text.includes(`>${t}<`));
    const seenOnSecond = titles.filter((t) => second.text.includes(`>${t}<`));
    expect(seenOnFirst.length + seenOnSecond.length).toBeGreaterThanOrEqual(22);
    expect(seenOnFirst.filter((t) => seenOnSecond.includes(t))).toEqual([]);
  });

  it('a musician page shows them and their posts; an unknown one is 404', async () => {
    const author = await buildUser(ctx.app);
    await buildPost(author, { title: 'Profile song' });
    const res = await supertest(ctx.app).get(`/users/${author.nickname}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(author.nickname);
    expect(res.text).toContain('Profile song');
    expect((await supertest(ctx.app).get('/users/nobody-at-all-here')).status).toBe(404);
  });

  it('escapes what users type', async () => {
    const author = await buildUser(ctx.app);
    const { location } = await buildPost(author, { title: '<script>alert(1)</script>' });
    const res = await supertest(ctx.app).get(location);
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('genre and instrument pages', () => {
  it('list only the songs of that genre or instrument, and 404 for an unknown one', async () => {
    const author = await buildUser(ctx.app);
    const tone = await makeTone({ seconds: 1 });
    await buildPost(author, { title: 'Funky keys idea', genre: 'funk', instrument: 'keyboard' }, { buffer: tone, name: 'k.mp3' });
    await buildPost(author, { title: 'Folk guitar idea', genre: 'folk', instrument: 'guitar' }, { buffer: tone, name: 'g.mp3' });

    const funk = await supertest(ctx.app).get('/genres/funk');
    expect(funk.status).toBe(200);
    expect(funk.text).toContain('Funk songs');
    expect(funk.text).toContain('Funky keys idea');
    expect(funk.text).not.toContain('Folk guitar idea');

    const keys = await supertest(ctx.app).get('/instruments/keyboard');
    expect(keys.status).toBe(200);
    expect(keys.text).toContain('Funky keys idea');
    expect(keys.text).not.toContain('Folk guitar idea');

    expect((await supertest(ctx.app).get('/genres/no-such-genre')).status).toBe(404);
    expect((await supertest(ctx.app).get('/instruments/theremin-9')).status).toBe(404);
  });
});
