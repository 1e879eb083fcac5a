import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import exifReader from 'exif-reader';
import sharp from 'sharp';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { buildPost, buildUser, makeTone, uniq, type SignedIn } from '../../test/factories.js';
import { expectNothingStored, watchWrites } from '../../test/objects.js';
import { getObject } from '../storage/s3.js';
import { removeProfilePictures } from '../users/pictures.js';
import { PICTURE_KINDS, type PictureKind } from './kinds.js';

let ctx: TestContext;
let musician: SignedIn;
let tone: Buffer;
let workDir: string;
beforeAll(async () => {
  ctx = await createTestContext();
  musician = await buildUser(ctx.app);
  tone = await makeTone({ seconds: 2 });
  workDir = await mkdtemp(path.join(tmpdir(), 'soundhub-pictures-'));
});
afterAll(async () => {
  await ctx?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const png = (width: number, height: number) => sharp({ create: { width, height, channels: 4, background: { r: 40, g: 120, b: 200, alpha: 1 } } }).png().toBuffer();

/** A phone-like JPEG whose EXIF says where it was taken (Paris) and with what camera. */
const jpegWithGps = () =>
  sharp({ create: { width: 900, height: 700, channels: 3, background: '#884422' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'TestCam', Model: 'X1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2964/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 17/1 4020/100' } })
    .toBuffer();

/** A 40-megapixel camera photo (8000 × 5000), smooth enough to stay a few MB as a JPEG. */
const fortyMegapixels = async () => {
  const small = await sharp({ create: { width: 400, height: 250, channels: 3, background: '#336699', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
  return sharp(small).resize(8000, 5000, { kernel: 'cubic' }).jpeg({ quality: 85 }).toBuffer();
};

async function pictureKeys(kind: PictureKind, id: string): Promise<string[]> {
  const page = await ctx.storage.client.send(new ListObjectsV2Command({ Bucket: ctx.storage.bucket, Prefix: `images/${kind}/${id}/` }));
  return (page.Contents ?? []).map((o) => o.Key!).sort();
}

async function readObject(key: string): Promise<Buffer> {
  const object = await getObject(ctx.storage, key);
  return Buffer.from(await object.Body!.transformToByteArray());
}

const imageWrites = (keys: readonly string[]) => keys.filter((k) => k.startsWith('images/'));
const userPictures = (nickname: string) => ctx.db('users').where({ nickname }).first('avatar_picture_id', 'cover_picture_id');

function upload(user: SignedIn, url: string, field: string, file: Buffer, name: string) {
  return user.agent.post(url).set('X-CSRF-Token', user.csrf).attach(field, file, name);
}

describe('an avatar', () => {
  it('from a PNG is stored as square WebP sizes, served with a year-long immutable cache, and shown on the profile', async () => {
    const res = await upload(musician, '/settings/avatar', 'avatar', await png(900, 600), 'me.png');
    expect(res.status, res.text.slice(0, 300)).toBe(303);
    expect(res.headers.location).toBe('/settings/pictures');
    const { avatar_picture_id: id } = await userPictures(musician.nickname);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const keys = await pictureKeys('avatar', id);
    expect(keys).toEqual(['64', '192', '512'].map((s) => `images/avatar/${id}/${s}.webp`).sort());
    for (const size of PICTURE_KINDS.avatar.sizes) {
      const meta = await sharp(await readObject(`images/avatar/${id}/${size.name}.webp`)).metadata();
      expect(meta).toMatchObject({ format: 'webp', width: size.width, height: size.height });
    }

    const served = await supertest(ctx.app).get(`/images/avatar/${id}/192.webp`).buffer(true);
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('image/webp');
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(served.headers['set-cookie'], 'an image costs no session').toBeUndefined();
    expect((await sharp(served.body as Buffer).metadata()).width).toBe(192);

    const profile = await supertest(ctx.app).get(`/users/${musician.nickname}`);
    expect(profile.text).toContain(`src="/images/avatar/${id}/192.webp"`);
    expect(profile.text).toContain(`/images/avatar/${id}/512.webp 512w`);
  });

  it('replaced by a new one: the old sizes are deleted; removed: the initials come back and no object is left', async () => {
    const user = await buildUser(ctx.app);
    expect((await upload(user, '/settings/avatar', 'avatar', await png(300, 300), 'a.png')).status).toBe(303);
    const first = (await userPictures(user.nickname)).avatar_picture_id as string;
    expect((await upload(user, '/settings/avatar', 'avatar', await png(400, 300), 'b.png')).status).toBe(303);
    const second = (await userPictures(user.nickname)).avatar_picture_id as string;
    expect(second).not.toBe(first);
    expect(await pictureKeys('avatar', first)).toEqual([]);
    expect(await pictureKeys('avatar', second)).toHaveLength(3);
    expect((await supertest(ctx.app).get(`/images/avatar/${first}/64.webp`)).status).toBe(404);

    const removed = await user.agent.post('/settings/avatar/delete').type('form').send({ _csrf: user.csrf });
    expect(removed.status).toBe(303);
    expect((await userPictures(user.nickname)).avatar_picture_id).toBeNull();
    expect(await pictureKeys('avatar', second)).toEqual([]);
    const profile = await supertest(ctx.app).get(`/users/${user.nickname}`);
    expect(profile.text).toMatch(/class="avatar big" src="\/drawn\/avatar\/[A-Za-z0-9_-]+\.svg"/);
  });

  it('a text file renamed .png is refused with 415 and a message; no object is written and no row changes', async () => {
    const user = await buildUser(ctx.app);
    const writes = watchWrites(ctx);
    const res = await upload(user, '/settings/avatar', 'avatar', Buffer.from('these are my lyrics, not a picture\n'.repeat(20)), 'lyrics.png').set('Accept', 'application/json');
    expect(res.status).toBe(415);
    expect(res.body.error.message).toBe('“lyrics.png” is not a picture we can read. Upload a JPEG, PNG, WebP, GIF or AVIF picture.');
    expect(imageWrites(writes.keys())).toEqual([]);
    expect(await userPictures(user.nickname)).toEqual({ avatar_picture_id: null, cover_picture_id: null });
  });

  it('refused from the page (no JavaScript): the page comes back with 415 and the message under the avatar field', async () => {
    const res = await upload(musician, '/settings/avatar', 'avatar', Buffer.from('plain text'), 'notes.png');
    expect(res.status).toBe(415);
    expect(res.text).toContain('id="avatar-error">“notes.png” is not a picture we can read.');
    expect(res.text).toContain('<h1 id="pictures-title">Your pictures</h1>');
  });

  it('a decompression bomb (a 400 KB PNG of 12000 × 12000 pixels) is refused from its header with 422, before decoding', async () => {
    const user = await buildUser(ctx.app);
    const bomb = await sharp({ create: { width: 12000, height: 12000, channels: 3, background: '#000' } }).png({ compressionLevel: 9 }).toBuffer();
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const writes = watchWrites(ctx);
    const res = await upload(user, '/settings/avatar', 'avatar', bomb, 'bomb.png');
    expect(res.status).toBe(422);
    expect(res.text).toContain('is 12000 × 12000 pixels (144 MP); pictures can be at most 50 MP');
    expect(imageWrites(writes.keys())).toEqual([]);
    expect((await userPictures(user.nickname)).avatar_picture_id).toBeNull();
  });

  it('a file over 15 MB is refused with 413 and a message', async () => {
    const user = await buildUser(ctx.app);
    const writes = watchWrites(ctx);
    const res = await upload(user, '/settings/avatar', 'avatar', Buffer.alloc(16 * 1024 * 1024, 7), 'huge.png').set('Accept', 'application/json');
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/^That picture is larger than 15 MB\./);
    expect(imageWrites(writes.keys())).toEqual([]);
  });

  it("sent without a file re-renders the page with 422 and the field's message", async () => {
    const res = await musician.agent.post('/settings/avatar').field('_csrf', musician.csrf);
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="avatar-error">Choose a picture to upload.');
  });
});

describe('a profile cover', () => {
  it('a 40-megapixel photo is downscaled to 1500 × 500 and 750 × 250; its decode adds under 64 MB (measured in a child process)', async () => {
    const photo = await fortyMegapixels();
    const user = await buildUser(ctx.app);
    const res = await upload(user, '/settings/cover', 'cover', photo, 'camera.jpg');
    expect(res.status, res.text.slice(0, 300)).toBe(303);
    const id = (await userPictures(user.nickname)).cover_picture_id as string;
    const big = await sharp(await readObject(`images/profile-cover/${id}/1500x500.webp`)).metadata();
    expect(big).toMatchObject({ format: 'webp', width: 1500, height: 500 });

    const file = path.join(workDir, 'forty.jpg');
    await writeFile(file, photo);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/picture-rss.ts', file, 'profile-cover']);
    const { baselineKb, peakKb, sizes } = JSON.parse(stdout) as { baselineKb: number; peakKb: number; sizes: string[] };
    expect(sizes).toEqual(['1500x500', '750x250']);
    const addedMb = (peakKb - baselineKb) / 1024;
    // Held whole, 40 MP of RGB is 120 MB: libvips shrinks the JPEG as it decodes and streams the rest.
    console.log(`40 MP JPEG (${(photo.length / 1024 / 1024).toFixed(1)} MB): peak RSS ${(peakKb / 1024).toFixed(0)} MB, ${addedMb.toFixed(0)} MB over the ${(baselineKb / 1024).toFixed(0)} MB before it`);
    expect(addedMb).toBeLessThan(64);
  });

  it('removeProfilePictures (account deletion) clears both pictures and deletes their objects', async () => {
    const user = await buildUser(ctx.app);
    expect((await upload(user, '/settings/avatar', 'avatar', await png(200, 200), 'a.png')).status).toBe(303);
    expect((await upload(user, '/settings/cover', 'cover', await png(1600, 600), 'c.png')).status).toBe(303);
    const before = await userPictures(user.nickname);
    const { id } = await ctx.db('users').where({ nickname: user.nickname }).first('id');
    await removeProfilePictures(id as number, ctx);
    expect(await userPictures(user.nickname)).toEqual({ avatar_picture_id: null, cover_picture_id: null });
    expect(await pictureKeys('avatar', before.avatar_picture_id)).toEqual([]);
    expect(await pictureKeys('profile-cover', before.cover_picture_id)).toEqual([]);
  });
});

describe('song cover art', () => {
  const newSong = (user: SignedIn, cover: { buffer: Buffer; name: string } | undefined, title = uniq('Art ')) => {
    const req = user.agent.post('/posts').set('X-CSRF-Token', user.csrf).field('title', title).field('genre', 'rock').field('instrument', 'guitar');
    if (cover) req.attach('cover', cover.buffer, cover.name);
    return req.attach('audio', tone, 'idea.mp3');
  };

  it('sent with a new song from a JPEG with GPS in its EXIF: stored without any EXIF, and shown on the cards and the post page', async () => {
    const photo = await jpegWithGps();
    const exif = (await sharp(photo).metadata()).exif;
    expect(exifReader(exif!).GPSInfo?.GPSLatitude, 'the upload does carry a location').toEqual([48, 51, 29.64]);

    const title = uniq('Paris ');
    const res = await newSong(musician, { buffer: photo, name: 'IMG_0001.jpg' }, title);
    expect(res.status, res.text.slice(0, 300)).toBe(303);
    const post = await ctx.db('posts').where({ title }).first('id', 'cover_picture_id');
    expect(post.cover_picture_id).toMatch(/^[0-9a-f-]{36}$/);
    for (const size of PICTURE_KINDS['song-cover'].sizes) {
      const stored = await readObject(`images/song-cover/${post.cover_picture_id}/${size.name}.webp`);
      const meta = await sharp(stored).metadata();
      expect(meta).toMatchObject({ format: 'webp', width: size.width, height: size.height });
      expect(meta.exif, `${size.name}: no EXIF`).toBeUndefined();
      expect(meta.xmp, `${size.name}: no XMP`).toBeUndefined();
      expect(stored.includes(Buffer.from('TestCam')), `${size.name}: no camera name anywhere in the file`).toBe(false);
    }

    for (const url of [`/posts/${post.id}`, '/', `/users/${musician.nickname}`]) {
      const page = await supertest(ctx.app).get(url);
      expect(page.text, url).toContain(`/images/song-cover/${post.cover_picture_id}/600.webp`);
    }
  });

  it('a text file renamed .png as the cover refuses the whole song with 415: no post, no track, no object', async () => {
    const title = uniq('Refused ');
    const writes = watchWrites(ctx);
    const res = await newSong(musician, { buffer: Buffer.from('not a picture'), name: 'cover.png' }, title).set('Accept', 'application/json');
    expect(res.status).toBe(415);
    expect(res.body.error.message).toContain('“cover.png” is not a picture we can read.');
    expect(await ctx.db('posts').where({ title }).first()).toBeUndefined();
    expect(imageWrites(writes.keys())).toEqual([]);
    expect(writes.trackIds()).toHaveLength(1);
    await expectNothingStored(ctx, writes.trackIds());

    // From the page without JavaScript: the form again, the message under the cover field.
    const page = await newSong(musician, { buffer: Buffer.from('not a picture'), name: 'cover.png' }, title);
    expect(page.status).toBe(415);
    expect(page.text).toContain('id="cover-error">“cover.png” is not a picture we can read.');
    expect(page.text).toContain(`value="${title}"`);
  });

  it('a song without art shows a cover drawn from its title and genre, the same on every page', async () => {
    const title = uniq('Plain ');
    await newSong(musician, undefined, title).expect(303);
    const { id } = await ctx.db('posts').where({ title }).first('id');
    const drawn = (html: string) => new RegExp(`<img class="art" src="(/drawn/song/[^"]+\\.svg)"[^>]*>\\s*<a class="play on-art"[^>]*data-title="${title}"`).exec(html)?.[1];
    const onHome = drawn((await supertest(ctx.app).get('/')).text);
    expect(onHome).toBeDefined();
    expect(drawn((await supertest(ctx.app).get('/genres/rock')).text)).toBe(onHome);
    expect((await supertest(ctx.app).get(`/posts/${id}`)).text).toContain(onHome!);
    // The picture is its own URL: an SVG with the title on it, kept by browsers for good, no session made.
    const picture = await supertest(ctx.app).get(onHome!).buffer(true).parse((res, done) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => done(null, body));
    });
    expect(picture.status).toBe(200);
    expect(picture.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(picture.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(picture.headers['set-cookie']).toBeUndefined();
    expect(picture.body as string).toContain(`>${title}</tspan>`);
    expect((await supertest(ctx.app).get(onHome!.replace(/\.svg$/, 'x.svg'))).status).toBe(404);
  });

  it('the author changes the art later and removes it; deleting the song deletes its art', async () => {
    const built = await buildPost(musician, {}, { buffer: tone, name: 'x.mp3' });
    const changed = await upload(musician, `/posts/${built.id}/cover`, 'cover', await png(1300, 1300), 'art.png');
    expect(changed.status, changed.text.slice(0, 300)).toBe(303);
    expect(changed.headers.location).toBe(`/posts/${built.id}/edit#cover`);
    const first = (await ctx.db('posts').where({ id: built.id }).first('cover_picture_id')).cover_picture_id as string;
    expect(await pictureKeys('song-cover', first)).toHaveLength(3);

    const removed = await musician.agent.post(`/posts/${built.id}/cover/delete`).type('form').send({ _csrf: musician.csrf });
    expect(removed.status).toBe(303);
    expect((await ctx.db('posts').where({ id: built.id }).first('cover_picture_id')).cover_picture_id).toBeNull();
    expect(await pictureKeys('song-cover', first)).toEqual([]);

    expect((await upload(musician, `/posts/${built.id}/cover`, 'cover', await png(700, 500), 'again.png')).status).toBe(303);
    const second = (await ctx.db('posts').where({ id: built.id }).first('cover_picture_id')).cover_picture_id as string;
    const deleted = await musician.agent.post(`/posts/${built.id}/delete`).type('form').send({ _csrf: musician.csrf, confirm: 'yes' });
    expect(deleted.status).toBeLessThan(400);
    expect(await ctx.db('posts').where({ id: built.id }).first()).toBeUndefined();
    expect(await pictureKeys('song-cover', second)).toEqual([]);
  });

  it('a picture too small for the edit page re-renders it with 422 and the message', async () => {
    const built = await buildPost(musician, {}, { buffer: tone, name: 'x.mp3' });
    const res = await upload(musician, `/posts/${built.id}/cover`, 'cover', await png(40, 40), 'icon.png');
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="cover-error">“icon.png” is only 40 × 40 pixels; a picture needs at least 64 pixels on each side.');
    expect((await ctx.db('posts').where({ id: built.id }).first('cover_picture_id')).cover_picture_id).toBeNull();
  });
});
