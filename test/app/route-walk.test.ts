import { randomBytes, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import supertest from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import { writeToOutbox } from '../../src/mail/outbox.js';
import { unsubscribeToken } from '../../src/notifications/unsubscribe-link.js';
import { drawnPictureUrl } from '../../src/pictures/generated.js';
import { storePicture } from '../../src/pictures/store.js';
import { readStreamReport, signStreamReport } from '../../src/tracks/stream-reports.js';
import { headObject } from '../../src/storage/s3.js';
import { createTestContext, type TestContext } from '../context.js';
import { addContribution, saveMix, waitForTrack, waitForVersion } from '../coproduction.js';
import { insertUser } from '../db-factories.js';
import { buildPost, buildUser, csrfFrom, makeTone, uniq, type SignedIn } from '../factories.js';
import { startIdentityProvider, type TestIdentityProvider } from '../identity-provider.js';
import { registeredRoutes } from '../routes.js';

/**
 * Every route the app registers, read from its Express router, with who may use it. A route
 * without an entry here fails the first test; each state-changing route is tried by every
 * kind of actor and without (or with a foreign) CSRF token, urlencoded and multipart.
 *
 * Actors: `anonymous` (a visitor with a session and its token, so the try reaches the guard
 * behind the CSRF check), `stranger` (signed in, owns nothing here), `contributor` (owner of
 * the part) and `author` (the post's author, who owns the post and its mix). Routes on the
 * musician's own account (`self`: password, sessions, deleting it) are tried by `anonymous` and
 * by a musician signed up for the try, so deleting an account never takes a fixture with it.
 */
type ActorName = 'anonymous' | 'stranger' | 'contributor' | 'author';
type Who = 'public' | 'signed-in' | 'self' | Array<'contributor' | 'author'>;
/** Who sends a try; a visitor has no account (nickname, email and password unset). */
type Actor = { agent: ReturnType<typeof supertest.agent>; csrf: string } & Partial<Pick<SignedIn, 'nickname' | 'email' | 'password'>>;

/** One request that would change something, built fresh for each try. */
interface Try {
  url: string;
  /** The fields of a valid request (sent urlencoded, or multipart when `file` is set). */
  fields?: Record<string, string>;
  /** A JSON body instead of fields (the mixer's save). */
  json?: unknown;
  /** true: an audio take in `audio`; or the file part to send (a picture). */
  file?: boolean | FilePart;
  /** Rows and objects the request would change; compared before and after. */
  state(): Promise<unknown>;
}

interface FilePart {
  field: string;
  name: string;
  type: string;
  body: Buffer;
}

interface Entry {
  who: Who;
  /** True for every route that changes state: it is tried by each actor and needs a CSRF token. */
  changes: boolean;
  /** GET routes: a URL that exists, to try anonymous and signed in. */
  url?: () => string;
  /** Public GET routes: the status a fresh visitor gets when it is not 200 (a redirect, a refusal). */
  answers?: number;
  /** Public state-changing routes that need a visitor part-way through something (a provider sign-in). */
  visitor?: () => Promise<{ agent: ReturnType<typeof supertest.agent>; csrf: string }>;
  /** State-changing routes: a fresh try, for the actor who will send it. For public ones it runs as a fresh visitor. */
  attempt?: (actor: Actor) => Promise<Try>;
  /**
   * A public route that a signed token in its URL authorises instead of a CSRF token (a
   * mail's one-click unsubscribe, sent by mail programs with no session): the same try with
   * a wrong token, which must be refused with 403 and change nothing.
   */
  tokenInstead?: () => Promise<Try>;
}

let ctx: TestContext;
let idp: TestIdentityProvider;
let linkTarget: SignedIn;
const SITE = 'http://soundhub.test';
let author: SignedIn;
let contributor: SignedIn;
let stranger: SignedIn;
let loginTarget: SignedIn;
let anonymous: { agent: ReturnType<typeof supertest.agent>; csrf: string };
let tone: Buffer;
let post: { id: number; authorTrackId: string };
let part: { id: number; trackId: string };
/** Links as the worker would mail them (tokens minted straight into the table) and one outbox message. */
let links: { verify: string; reset: string; outboxId: string };
let loginTargetId: number;
/** A digest mail's unsubscribe link for this musician, as the worker signs it. */
const unsubscribePath = (userId: number) => `/notifications/unsubscribe?user=${userId}&token=${unsubscribeToken(ctx.config.sessionSecret, userId)}`;
const mailJobs = () => count('pgboss.job', { name: 'mail-send' });
let picturePng: Buffer;
let storedPictureUrl: string;

/** nginx's report of 1000 bytes streamed, with this note; the listener's plays_pending row is the state. */
function streamReportTry(report: string): Try {
  const listener = (readStreamReport(ctx.config.sessionSecret, report) ?? JSON.parse(Buffer.from(report.split('.')[0]!, 'base64url').toString())).listener as string;
  return { url: `/tracks/stream-report?report=${report}&bytes=1000`, fields: {}, state: () => count('plays_pending', { listener }) };
}
const count = async (table: string, where: Record<string, unknown> = {}) => Number((await ctx.db(table).where(where).count({ n: '*' }).first())!.n);
const sessionsOf = (user: SignedIn) =>
  ctx.db('sessions').whereRaw(`sess->'passport'->>'user' = (select id::text from users where nickname = ?)`, [user.nickname]).count({ n: '*' }).first().then((r) => Number(r!.n));
const contributionState = async (id: number) => ctx.db('contributions').where({ id }).first('included');
/** The avatar and cover ids of the three signed-in actors: a picture route by any of them moves one. */
const actorPictures = () => ctx.db('users').whereIn('nickname', [author.nickname, contributor.nickname, stranger.nickname]).orderBy('id').select('avatar_picture_id', 'cover_picture_id');
/** Gives every signed-in actor a picture of `column`, so that removing one is a change. */
const giveActorsPictures = (column: 'avatar_picture_id' | 'cover_picture_id') =>
  ctx.db('users').whereIn('nickname', [author.nickname, contributor.nickname, stranger.nickname]).update({ [column]: ctx.db.raw('gen_random_uuid()') });
const pictureFile = (field: string): FilePart => ({ field, name: 'picture.png', type: 'image/png', body: picturePng });
const postCover = async () => (await ctx.db('posts').where({ id: post.id }).first('cover_picture_id')).cover_picture_id as string | null;
/** The opposite of what the actor has now (like or follow), so an allowed try always changes something. */
const flip = async (actor: Actor, table: string, where: Record<string, unknown>, userColumn: string) => {
  if (!actor.nickname) return '1';
  const user = await ctx.db('users').where({ nickname: actor.nickname }).first('id');
  return (await count(table, { ...where, [userColumn]: user.id })) ? '0' : '1';
};

/** A part of the contributor's on the shared post, uploaded through the form; its row, track row and file. */
async function freshPart() {
  const added = await addContribution(contributor, post.id, { buffer: tone, name: 'take.mp3' });
  const key = (await ctx.db('tracks').where({ id: added.trackId }).first('original_key')).original_key as string;
  const state = async () => ({
    contribution: await count('contributions', { id: added.id }),
    track: await count('tracks', { id: added.trackId }),
    file: (await headObject(ctx.storage, key))?.ContentLength ?? null,
  });
  return { ...added, state };
}

/** A visitor who signed in at the provider and was sent to `page` (/auth/welcome or /auth/link) to finish. */
async function providerVisitor(page: '/auth/welcome' | '/auth/link', email: string) {
  const subject = uniq('walk-sub-');
  idp.accounts.set(subject, { email, email_verified: true, name: 'Walker' });
  const agent = supertest.agent(ctx.app);
  const start = await agent.get('/auth/walk');
  const callback = await idp.signIn(start.headers.location!, subject);
  const back = await agent.get(callback.pathname + callback.search);
  expect(back.headers.location, 'the provider sign-in leads to the page under test').toBe(page);
  return { agent, csrf: await csrfFrom(agent, page) };
}

let sparePart: Awaited<ReturnType<typeof freshPart>> | undefined;
let takePart: Awaited<ReturnType<typeof freshPart>> | undefined;
let sparePost: { id: number } | undefined;
let spareComment: number | undefined;

const table: Record<string, Entry> = {
  'GET /healthz': { who: 'public', changes: false, url: () => '/healthz' },
  'GET /readyz': { who: 'public', changes: false, url: () => '/readyz' },
  'GET /signup': { who: 'public', changes: false, url: () => '/signup' },
  'POST /signup': {
    who: 'public',
    changes: true,
    attempt: () => {
      const nickname = uniq('walker');
      return Promise.resolve({ url: '/signup', fields: { email: `${nickname}@example.test`, nickname, password: 'a long enough secret' }, state: () => count('users', { nickname }) });
    },
  },
  'GET /login': { who: 'public', changes: false, url: () => '/login' },
  'POST /login': {
    who: 'public',
    changes: true,
    attempt: () => Promise.resolve({ url: '/login', fields: { email: loginTarget.email, password: loginTarget.password }, state: () => sessionsOf(loginTarget) }),
  },
  'GET /auth/:provider': { who: 'public', changes: false, url: () => '/auth/walk', answers: 303 },
  'GET /auth/:provider/callback': { who: 'public', changes: false, url: () => '/auth/walk/callback?code=x&state=y', answers: 400 },
  'GET /auth/welcome': { who: 'public', changes: false, url: () => '/auth/welcome', answers: 303 },
  'POST /auth/welcome': {
    who: 'public',
    changes: true,
    visitor: () => providerVisitor('/auth/welcome', `${uniq('walk')}@example.test`),
    attempt: () => Promise.resolve({ url: '/auth/welcome', fields: { nickname: uniq('walker') }, state: async () => ({ users: await count('users'), identities: await count('oidc_identities') }) }),
  },
  'GET /auth/link': { who: 'public', changes: false, url: () => '/auth/link', answers: 303 },
  'POST /auth/link': {
    who: 'public',
    changes: true,
    visitor: () => providerVisitor('/auth/link', linkTarget.email),
    attempt: () => Promise.resolve({ url: '/auth/link', fields: { password: linkTarget.password }, state: async () => count('oidc_identities', { user_id: (await ctx.db('users').where({ nickname: linkTarget.nickname }).first('id')).id }) }),
  },
  'POST /logout': { who: 'public', changes: true, attempt: () => Promise.resolve({ url: '/logout', fields: {}, state: () => count('sessions') }) },
  'GET /': { who: 'public', changes: false, url: () => '/' },
  'GET /new': { who: 'public', changes: false, url: () => '/new' },
  'GET /trending': { who: 'public', changes: false, url: () => '/trending' },
  'GET /following': { who: 'signed-in', changes: false, url: () => '/following' },
  'GET /looking-for': { who: 'public', changes: false, url: () => '/looking-for?genre=rock&bpmMin=60&bpmMax=180' },
  'GET /looking-for/:instrument': { who: 'public', changes: false, url: () => '/looking-for/bass?key=C+major' },
  'GET /for-you': { who: 'signed-in', changes: false, url: () => '/for-you' },
  'GET /genres/:slug': { who: 'public', changes: false, url: () => '/genres/rock' },
  'GET /instruments/:slug': { who: 'public', changes: false, url: () => '/instruments/guitar' },
  'GET /search': { who: 'public', changes: false, url: () => '/search?q=walk&genre=rock&bpmMin=60&bpmMax=180' },
  'GET /genres': { who: 'public', changes: false, url: () => '/genres' },
  'GET /instruments': { who: 'public', changes: false, url: () => '/instruments' },
  'GET /posts/new': { who: 'signed-in', changes: false, url: () => '/posts/new' },
  'POST /posts': {
    who: 'signed-in',
    changes: true,
    attempt: () => Promise.resolve({ url: '/posts', fields: { title: uniq('Walk '), genre: 'rock', instrument: 'guitar' }, file: true, state: async () => ({ posts: await count('posts'), tracks: await count('tracks') }) }),
  },
  'GET /posts/:id': { who: 'public', changes: false, url: () => `/posts/${post.id}` },
  'POST /posts/:id/contributions': {
    who: 'signed-in',
    changes: true,
    attempt: () => Promise.resolve({
      url: `/posts/${post.id}/contributions`,
      fields: { instrument: 'bass', note: 'walk' },
      file: true,
      state: async () => ({ parts: await count('contributions', { post_id: post.id }), tracks: await count('tracks') }),
    }),
  },
  'POST /contributions/:id/include': {
    who: ['author'],
    changes: true,
    attempt: async () => {
      await ctx.db('contributions').where({ id: part.id }).update({ included: false });
      return { url: `/contributions/${part.id}/include`, fields: {}, state: () => contributionState(part.id) };
    },
  },
  'POST /contributions/:id/exclude': {
    who: ['author'],
    changes: true,
    attempt: async () => {
      await ctx.db('contributions').where({ id: part.id }).update({ included: true });
      return { url: `/contributions/${part.id}/exclude`, fields: {}, state: () => contributionState(part.id) };
    },
  },
  'POST /contributions/:id/delete': {
    who: ['contributor', 'author'],
    changes: true,
    attempt: async () => {
      // A refused try leaves the part for the next one; only a deletion needs a new upload.
      if (!sparePart || !(await count('contributions', { id: sparePart.id }))) sparePart = await freshPart();
      return { url: `/contributions/${sparePart.id}/delete`, fields: {}, state: sparePart.state };
    },
  },
  'POST /posts/:id/mix': {
    who: ['author'],
    changes: true,
    attempt: () => Promise.resolve({
      url: `/posts/${post.id}/mix`,
      json: { tracks: [{ trackId: post.authorTrackId, gainDb: -3, pan: 0, muted: false }] },
      state: () => count('mix_versions', { post_id: post.id }),
    }),
  },
  'GET /posts/:id/parts.json': { who: 'public', changes: false, url: () => `/posts/${post.id}/parts.json` },
  'GET /posts/:id/versions': { who: 'public', changes: false, url: () => `/posts/${post.id}/versions` },
  'GET /posts/:id/versions/:number': { who: 'public', changes: false, url: () => `/posts/${post.id}/versions/1` },
  'GET /posts/:id/stems.zip': { who: 'public', changes: false, url: () => `/posts/${post.id}/stems.zip` },
  'GET /posts/:id/edit': { who: ['author'], changes: false, url: () => `/posts/${post.id}/edit` },
  'POST /posts/:id/edit': {
    who: ['author'],
    changes: true,
    attempt: () => Promise.resolve({
      url: `/posts/${post.id}/edit`,
      fields: { title: uniq('Edited '), genre: 'rock', instrument: 'guitar', description: '' },
      state: async () => (await ctx.db('posts').where({ id: post.id }).first('title')).title as string,
    }),
  },
  'GET /posts/:id/delete': { who: ['author'], changes: false, url: () => `/posts/${post.id}/delete` },
  'POST /posts/:id/delete': {
    who: ['author'],
    changes: true,
    attempt: async () => {
      // A refused try leaves the song for the next one; only a deletion needs a new one.
      if (!sparePost || !(await count('posts', { id: sparePost.id }))) sparePost = await buildPost(author, { genre: 'rock', instrument: 'guitar' }, { buffer: tone, name: 'doomed.mp3' });
      const id = sparePost.id;
      return { url: `/posts/${id}/delete`, fields: { confirm: 'yes' }, state: () => count('posts', { id }) };
    },
  },
  'GET /contributions/:id/edit': { who: ['contributor'], changes: false, url: () => `/contributions/${part.id}/edit` },
  'POST /contributions/:id/edit': {
    who: ['contributor'],
    changes: true,
    attempt: () => Promise.resolve({
      url: `/contributions/${part.id}/edit`,
      fields: { instrument: 'bass', note: uniq('note ') },
      state: async () => (await ctx.db('contributions').where({ id: part.id }).first('note')).note as string,
    }),
  },
  'POST /contributions/:id/replace': {
    who: ['contributor'],
    changes: true,
    attempt: async () => {
      takePart ??= await freshPart();
      const id = takePart.id;
      return { url: `/contributions/${id}/replace`, fields: {}, file: true, state: async () => (await ctx.db('contributions').where({ id }).first('track_id')).track_id as string };
    },
  },
  'POST /posts/:id/versions/:number/current': {
    who: ['author'],
    changes: true,
    attempt: async () => {
      const back = await author.agent.post(`/posts/${post.id}/versions/2/current`).set('Accept', 'application/json').set('X-CSRF-Token', author.csrf);
      expect(back.status, 'version 2 made current again before the try').toBe(200);
      return { url: `/posts/${post.id}/versions/1/current`, fields: {}, state: async () => (await ctx.db('posts').where({ id: post.id }).first('current_mix_version_id', 'master_track_id')) };
    },
  },
  'POST /posts/:id/comments': {
    who: 'signed-in',
    changes: true,
    attempt: () => Promise.resolve({ url: `/posts/${post.id}/comments`, fields: { body: uniq('walk '), at: '0:01' }, state: () => count('comments', { post_id: post.id }) }),
  },
  'POST /comments/:id/delete': {
    // The contributor is the commenter here; the author owns the song it is on.
    who: ['contributor', 'author'],
    changes: true,
    attempt: async () => {
      if (!spareComment || !(await count('comments', { id: spareComment }))) {
        const commenter = (await ctx.db('users').where({ nickname: contributor.nickname }).first('id')).id as number;
        spareComment = (await ctx.db('comments').insert({ post_id: post.id, author_id: commenter, body: uniq('doomed ') }).returning('id'))[0].id as number;
      }
      const id = spareComment;
      return { url: `/comments/${id}/delete`, fields: {}, state: () => count('comments', { id }) };
    },
  },
  'GET /tracks/:id/stream': { who: 'public', changes: false, url: () => `/tracks/${post.authorTrackId}/stream` },
  'GET /tracks/:id/download': { who: 'public', changes: false, url: () => `/tracks/${post.authorTrackId}/download` },
  'GET /tracks/:id/peaks.json': { who: 'public', changes: false, url: () => `/tracks/${post.authorTrackId}/peaks.json` },
  // nginx's post_action after a handed-over stream (AUDIO_VIA_NGINX); its note is signed by the app.
  'POST /tracks/stream-report': {
    who: 'public',
    changes: true,
    attempt: () => Promise.resolve(streamReportTry(signStreamReport(ctx.config.sessionSecret, { trackId: post.authorTrackId, listener: uniq('v:walk'), thresholdBytes: 1e9 }))),
    tokenInstead: () => Promise.resolve(streamReportTry(`${signStreamReport(ctx.config.sessionSecret, { trackId: post.authorTrackId, listener: uniq('v:walk'), thresholdBytes: 1e9 }).slice(0, -2)}AA`)),
  },
  'GET /users/:nickname': { who: 'public', changes: false, url: () => `/users/${author.nickname}` },
  // Sharing (src/posts/embed-routes.ts, src/users/share-routes.ts): public reads, framed or scraped by other sites.
  'GET /posts/:id/embed': { who: 'public', changes: false, url: () => `/posts/${post.id}/embed` },
  'GET /oembed': { who: 'public', changes: false, url: () => `/oembed?url=${encodeURIComponent(`${SITE}/posts/${post.id}`)}&format=json` },
  'GET /posts/:id/art.png': { who: 'public', changes: false, url: () => `/posts/${post.id}/art.png` },
  'GET /users/:nickname/avatar.png': { who: 'public', changes: false, url: () => `/users/${author.nickname}/avatar.png` },
  'GET /users/:nickname/parts': { who: 'public', changes: false, url: () => `/users/${author.nickname}/parts` },
  'GET /users/:nickname/liked': { who: 'public', changes: false, url: () => `/users/${author.nickname}/liked` },
  'GET /users/:nickname/liked/parts': { who: 'public', changes: false, url: () => `/users/${author.nickname}/liked/parts` },
  'GET /users/:nickname/followers': { who: 'public', changes: false, url: () => `/users/${author.nickname}/followers` },
  'GET /users/:nickname/following': { who: 'public', changes: false, url: () => `/users/${author.nickname}/following` },
  'POST /users/:nickname/follow': {
    who: 'signed-in',
    changes: true,
    attempt: async (actor) => {
      const target = (await ctx.db('users').where({ nickname: loginTarget.nickname }).first('id')).id as number;
      return { url: `/users/${loginTarget.nickname}/follow`, fields: { on: await flip(actor, 'follows', { followed_id: target }, 'follower_id') }, state: () => count('follows', { followed_id: target }) };
    },
  },
  'POST /posts/:id/like': {
    who: 'signed-in',
    changes: true,
    attempt: async (actor) => ({ url: `/posts/${post.id}/like`, fields: { on: await flip(actor, 'post_likes', { post_id: post.id }, 'user_id') }, state: () => ctx.db('posts').where({ id: post.id }).first('likes_count') }),
  },
  'POST /contributions/:id/like': {
    who: 'signed-in',
    changes: true,
    attempt: async (actor) => ({
      url: `/contributions/${part.id}/like`,
      fields: { on: await flip(actor, 'contribution_likes', { contribution_id: part.id }, 'user_id') },
      state: () => ctx.db('contributions').where({ id: part.id }).first('likes_count'),
    }),
  },
  'POST /users/:nickname/block': {
    who: 'signed-in',
    changes: true,
    // linkTarget, not loginTarget: a block of the musician every actor messages would refuse those tries.
    attempt: async (actor) => {
      const target = (await ctx.db('users').where({ nickname: linkTarget.nickname }).first('id')).id as number;
      return { url: `/users/${linkTarget.nickname}/block`, fields: { on: await flip(actor, 'blocks', { blocked_id: target }, 'blocker_id') }, state: () => count('blocks', { blocked_id: target }) };
    },
  },
  'GET /settings/blocked': { who: 'signed-in', changes: false, url: () => '/settings/blocked' },
  'GET /messages': { who: 'signed-in', changes: false, url: () => '/messages' },
  'GET /messages/:nickname': { who: 'signed-in', changes: false, url: () => `/messages/${loginTarget.nickname}` },
  'POST /messages/:nickname': {
    who: 'signed-in',
    changes: true,
    attempt: () => Promise.resolve({ url: `/messages/${loginTarget.nickname}`, fields: { body: uniq('walk hello ') }, state: () => count('messages') }),
  },
  'GET /settings': { who: 'signed-in', changes: false, url: () => '/settings' },
  'GET /notifications': { who: 'signed-in', changes: false, url: () => '/notifications' },
  'GET /settings/notifications': { who: 'signed-in', changes: false, url: () => '/settings/notifications' },
  'POST /settings/notifications': {
    who: 'signed-in',
    changes: true,
    attempt: async (actor) => {
      const id = actor.nickname ? ((await ctx.db('users').where({ nickname: actor.nickname }).first('id')).id as number) : 0;
      const off = id ? await count('digest_opt_outs', { user_id: id }) : 0;
      return { url: '/settings/notifications', fields: { digest: off ? '1' : '0' }, state: () => count('digest_opt_outs') };
    },
  },
  'GET /notifications/unsubscribe': { who: 'public', changes: false, url: () => unsubscribePath(loginTargetId) },
  'POST /notifications/unsubscribe': {
    who: 'public',
    changes: true,
    attempt: async () => {
      const user = await insertUser(ctx.db);
      return { url: unsubscribePath(user.id), fields: { 'List-Unsubscribe': 'One-Click' }, state: () => count('digest_opt_outs', { user_id: user.id }) };
    },
    tokenInstead: async () => {
      const user = await insertUser(ctx.db);
      return { url: unsubscribePath(user.id).replace(/token=./, 'token=A'), fields: { 'List-Unsubscribe': 'One-Click' }, state: () => count('digest_opt_outs', { user_id: user.id }) };
    },
  },
  'POST /settings': {
    who: 'self',
    changes: true,
    attempt: (actor) => Promise.resolve({ url: '/settings', fields: { nickname: actor.nickname ?? uniq('nobody'), bio: uniq('bio '), instruments: 'bass' }, state: () => ctx.db('users').orderBy('id').pluck('bio') }),
  },
  'GET /settings/account': { who: 'signed-in', changes: false, url: () => '/settings/account' },
  'POST /settings/password': {
    who: 'self',
    changes: true,
    attempt: (actor) => Promise.resolve({
      url: '/settings/password',
      fields: { currentPassword: actor.password ?? 'a long enough secret', newPassword: uniq('a new long secret ') },
      state: () => ctx.db('users').orderBy('id').pluck('password_hash'),
    }),
  },
  'POST /settings/logout-everywhere': {
    who: 'self',
    changes: true,
    attempt: async (actor) => {
      // A second device of the musician's, for the route to log out.
      if (actor.email) {
        const device = supertest.agent(ctx.app);
        const csrf = await csrfFrom(device, '/login');
        expect((await device.post('/login').type('form').send({ _csrf: csrf, email: actor.email, password: actor.password })).status).toBe(303);
      }
      return { url: '/settings/logout-everywhere', fields: {}, state: () => count('sessions') };
    },
  },
  'POST /settings/delete-account': {
    who: 'self',
    changes: true,
    attempt: (actor) => Promise.resolve({ url: '/settings/delete-account', fields: { password: actor.password ?? 'a long enough secret' }, state: () => count('users') }),
  },
  'GET /account/deleted': { who: 'public', changes: false, url: () => '/account/deleted' },
  'GET /signup/sent': { who: 'public', changes: false, url: () => '/signup/sent' },
  'GET /verify-email': { who: 'public', changes: false, url: () => `/verify-email?token=${links.verify}` },
  'POST /verify-email': {
    who: 'public',
    changes: true,
    attempt: async () => {
      const user = await insertUser(ctx.db, { verified: false });
      const { token } = await mintToken(ctx.db, { userId: user.id, purpose: 'verify-email', email: user.email });
      return { url: '/verify-email', fields: { token }, state: async () => (await ctx.db('users').where({ id: user.id }).first('verified')).verified as boolean };
    },
  },
  'POST /verify-email/resend': {
    who: 'signed-in',
    changes: true,
    attempt: async () => {
      // Only an unconfirmed address gets a new link; afterEach confirms everyone again.
      await ctx.db('users').whereIn('nickname', [author.nickname, contributor.nickname, stranger.nickname]).update({ verified: false });
      return { url: '/verify-email/resend', fields: {}, state: mailJobs };
    },
  },
  'GET /password/forgot': { who: 'public', changes: false, url: () => '/password/forgot' },
  'POST /password/forgot': { who: 'public', changes: true, attempt: () => Promise.resolve({ url: '/password/forgot', fields: { email: loginTarget.email }, state: mailJobs }) },
  'GET /password/reset': { who: 'public', changes: false, url: () => `/password/reset?token=${links.reset}` },
  'POST /password/reset': {
    who: 'public',
    changes: true,
    attempt: async () => {
      const user = await insertUser(ctx.db);
      const { token } = await mintToken(ctx.db, { userId: user.id, purpose: 'reset-password', email: user.email });
      return { url: '/password/reset', fields: { token, password: 'a walked new secret' }, state: async () => (await ctx.db('users').where({ id: user.id }).first('password_hash')).password_hash as string };
    },
  },
  'GET /settings/email': { who: 'signed-in', changes: false, url: () => '/settings/email' },
  'POST /settings/email': {
    who: 'signed-in',
    changes: true,
    // Every actor signed up with buildUser's default password.
    attempt: () => Promise.resolve({ url: '/settings/email', fields: { email: `${uniq('moving')}@example.test`, password: author.password }, state: mailJobs }),
  },
  'GET /dev/mail': { who: 'public', changes: false, url: () => '/dev/mail' },
  'GET /dev/mail/:id': { who: 'public', changes: false, url: () => `/dev/mail/${links.outboxId}` },
  'GET /images/:kind/:id/:file': { who: 'public', changes: false, url: () => storedPictureUrl },
  'GET /drawn/:kind/:file': { who: 'public', changes: false, url: () => drawnPictureUrl('avatar', ['route_walk']) },
  'GET /settings/pictures': { who: 'signed-in', changes: false, url: () => '/settings/pictures' },
  'POST /settings/avatar': {
    who: 'signed-in',
    changes: true,
    attempt: () => Promise.resolve({ url: '/settings/avatar', fields: {}, file: pictureFile('avatar'), state: actorPictures }),
  },
  'POST /settings/cover': {
    who: 'signed-in',
    changes: true,
    attempt: () => Promise.resolve({ url: '/settings/cover', fields: {}, file: pictureFile('cover'), state: actorPictures }),
  },
  'POST /settings/avatar/delete': {
    who: 'signed-in',
    changes: true,
    attempt: async () => {
      await giveActorsPictures('avatar_picture_id');
      return { url: '/settings/avatar/delete', fields: {}, state: actorPictures };
    },
  },
  'POST /settings/cover/delete': {
    who: 'signed-in',
    changes: true,
    attempt: async () => {
      await giveActorsPictures('cover_picture_id');
      return { url: '/settings/cover/delete', fields: {}, state: actorPictures };
    },
  },
  'POST /posts/:id/cover': {
    who: ['author'],
    changes: true,
    attempt: () => Promise.resolve({ url: `/posts/${post.id}/cover`, fields: {}, file: pictureFile('cover'), state: postCover }),
  },
  'POST /posts/:id/cover/delete': {
    who: ['author'],
    changes: true,
    attempt: async () => {
      await ctx.db('posts').where({ id: post.id }).update({ cover_picture_id: randomUUID() });
      return { url: `/posts/${post.id}/cover/delete`, fields: {}, state: postCover };
    },
  },
};

const actorsOf = (): Record<ActorName, { agent: ReturnType<typeof supertest.agent>; csrf: string }> => ({ anonymous, stranger, contributor, author });
const allowed = (who: Who, actor: ActorName) => (who === 'public' ? true : who === 'signed-in' || who === 'self' ? actor !== 'anonymous' : (who as string[]).includes(actor));

/** A multipart body by hand, so the Content-Type can be spelled in any case. */
function multipart(fields: Record<string, string>, file?: FilePart) {
  const boundary = `walk${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = Object.entries(fields).map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.body, Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { boundary, body: Buffer.concat(parts) };
}

type Body = 'natural' | 'urlencoded' | 'multipart/form-data' | 'Multipart/Form-Data';

/** Sends a try as `agent`, with `token` as `_csrf` (or the header for JSON); undefined sends none. */
function send(agent: ReturnType<typeof supertest.agent>, t: Try, token: string | undefined, body: Body) {
  const req = agent.post(t.url).set('Accept', 'application/json');
  const fields = { ...(t.fields ?? {}), ...(token === undefined ? {} : { _csrf: token }) };
  if (body === 'natural' && t.json !== undefined) return (token === undefined ? req : req.set('X-CSRF-Token', token)).send(t.json as object);
  if (body === 'urlencoded' || (body === 'natural' && !t.file)) return req.type('form').send(fields);
  const file: FilePart = typeof t.file === 'object' ? t.file : { field: 'audio', name: 'take.mp3', type: 'audio/mpeg', body: tone };
  const { boundary, body: raw } = multipart(fields, t.file || body !== 'natural' ? file : undefined);
  return req.set('Content-Type', `${body === 'natural' ? 'multipart/form-data' : body}; boundary=${boundary}`).send(raw);
}

/** Someone with a session and a token of their own who is not signed in. */
async function visitor() {
  const agent = supertest.agent(ctx.app);
  return { agent, csrf: await csrfFrom(agent, '/login') };
}

beforeAll(async () => {
  idp = await startIdentityProvider(`${SITE}/auth/walk/callback`);
  const provider = { id: 'walk', name: 'Walk ID', issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret };
  ctx = await createTestContext({ PUBLIC_URL: SITE, OIDC_PROVIDERS: JSON.stringify([provider]) });
  const worker = await ctx.startWorker();
  [author, contributor, stranger, loginTarget, linkTarget] = await Promise.all([buildUser(ctx.app), buildUser(ctx.app), buildUser(ctx.app), buildUser(ctx.app), buildUser(ctx.app)]);
  anonymous = await visitor();
  loginTargetId = (await ctx.db('users').where({ nickname: loginTarget.nickname }).first('id')).id as number;
  links = {
    verify: (await mintToken(ctx.db, { userId: loginTargetId, purpose: 'verify-email', email: loginTarget.email })).token,
    reset: (await mintToken(ctx.db, { userId: loginTargetId, purpose: 'reset-password', email: loginTarget.email })).token,
    outboxId: await writeToOutbox(ctx.config.mail.transport === 'outbox' ? ctx.config.mail.dir : '', { from: 'walk@example.test', to: 'walk@example.test', subject: 'Walk', text: 'walk', html: '<p>walk</p>' }),
  };
  tone = await makeTone({ seconds: 2 });
  picturePng = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#3366aa' } }).png().toBuffer();
  const picture = await storePicture(ctx, 'song-cover', { buffer: picturePng, originalName: 'walk.png', field: 'cover' });
  storedPictureUrl = `/images/song-cover/${picture.id}/300.webp`;
  const built = await buildPost(author, { genre: 'rock', instrument: 'guitar' }, { buffer: tone, name: 'idea.mp3' });
  post = { id: built.id, authorTrackId: (await ctx.db('posts').where({ id: built.id }).first()).author_track_id };
  part = await addContribution(contributor, post.id, { buffer: tone, name: 'bass.mp3' });
  await waitForTrack(ctx, post.authorTrackId);
  // Two rendered versions, so "make version 1 current" has something to move.
  for (const gainDb of [0, -6]) {
    const res = await saveMix(author, post.id, [{ trackId: post.authorTrackId, gainDb, pan: 0, muted: false }]);
    expect(res.status).toBe(202);
    expect((await waitForVersion(ctx, res.body.version.id)).status).toBe('ready');
  }
  // From here on nothing renders: a save in a try stays a row, and no render moves the current version.
  await worker.stop();
}, 180_000);
afterAll(async () => {
  await ctx?.close();
  await idp?.close();
});
// A try may leave an actor's address unconfirmed (the resend route); every other route needs them confirmed.
afterEach(() => ctx.db('users').whereIn('nickname', [author.nickname, contributor.nickname, stranger.nickname]).update({ verified: true }));

describe('the route walk', () => {
  it('has an entry for every route the app registers, and none for a route that is gone', () => {
    const routes = registeredRoutes(ctx.app);
    expect(routes.length).toBeGreaterThan(20);
    const missing = routes.filter((r) => !(r in table));
    expect(missing, `routes without an entry in test/app/route-walk.test.ts: ${missing.join(', ')}`).toEqual([]);
    const gone = Object.keys(table).filter((r) => !routes.includes(r));
    expect(gone, `entries for routes the app no longer registers: ${gone.join(', ')}`).toEqual([]);
    const unguarded = routes.filter((r) => !r.startsWith('GET ') && !table[r]?.changes);
    expect(unguarded, `routes that are not GET must be marked as changing state: ${unguarded.join(', ')}`).toEqual([]);
  });
});

for (const [route, entry] of Object.entries(table)) {
  if (!entry.changes) {
    const who = entry.who;
    const text = who === 'public' ? `answers anyone${entry.answers ? ` with ${entry.answers}` : ''}` : who === 'signed-in' || who === 'self' ? 'answers a signed-in musician and sends others to log in' : `answers only the ${who.join(' or the ')}`;
    it(`${route}: ${text}`, async () => {
      const url = entry.url!();
      const anon = await supertest(ctx.app).get(url);
      if (who === 'public') return expect(anon.status, url).toBe(entry.answers ?? 200);
      expect(anon.status, url).toBe(302);
      expect(anon.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
      if (who === 'signed-in' || who === 'self') return expect((await stranger.agent.get(url)).status, url).toBe(200);
      const actors = actorsOf();
      for (const name of ['stranger', 'contributor', 'author'] as const) {
        expect((await actors[name].agent.get(url)).status, `${name}: ${url}`).toBe(who.includes(name as 'contributor' | 'author') ? 200 : 403);
      }
    });
    continue;
  }

  const whoText = entry.who === 'public' ? 'anyone' : entry.who === 'signed-in' ? 'any signed-in musician' : entry.who === 'self' ? 'a musician, on their own account' : `only the ${entry.who.join(' or the ')}`;
  it(`${route}: ${whoText} may, and the others change nothing`, async () => {
    const tries: Array<[string, Actor, boolean]> =
      entry.who === 'public'
        ? [['a visitor', await (entry.visitor ?? visitor)(), true]]
        : entry.who === 'self'
          ? [['anonymous', anonymous, false], ['a musician of their own', await buildUser(ctx.app), true]]
          : Object.entries(actorsOf()).map(([name, actor]) => [name, actor, allowed(entry.who, name as ActorName)]);
    for (const [name, actor, mayDo] of tries) {
      const t = await entry.attempt!(actor);
      const before = await t.state();
      const res = await send(actor.agent, t, actor.csrf, 'natural');
      const after = await t.state();
      if (mayDo) {
        expect(res.status, `${name}: ${res.text.slice(0, 200)}`).toBeLessThan(400);
        expect(after, `${name} succeeded but nothing changed`).not.toEqual(before);
      } else {
        expect(res.status, `${name}: ${res.text.slice(0, 200)}`).toBe(name === 'anonymous' ? 401 : 403);
        expect(res.body.error?.code, `${name} must be stopped by the guard, not by CSRF`).not.toBe('csrf_invalid');
        expect(after, `${name} was refused but something changed`).toEqual(before);
      }
    }
  });

  if (entry.tokenInstead) {
    const tokenInstead = entry.tokenInstead;
    it(`${route}: needs no CSRF token (a signed token in its URL instead), and refuses a wrong one`, async () => {
      for (const body of ['urlencoded', 'multipart/form-data'] as const) {
        const wrong = await tokenInstead();
        const before = await wrong.state();
        const res = await send(supertest.agent(ctx.app), wrong, undefined, body);
        expect(res.status, `${body}: ${res.text.slice(0, 200)}`).toBe(403);
        expect(await wrong.state(), `${body}: something changed`).toEqual(before);
        const right = await entry.attempt!(anonymous);
        const was = await right.state();
        expect((await send(supertest.agent(ctx.app), right, undefined, body)).status, `${body}, no session or CSRF token`).toBe(200);
        expect(await right.state()).not.toEqual(was);
      }
    });
    continue;
  }

  it(`${route}: refuses a missing or another session's CSRF token, urlencoded or multipart in any case`, async () => {
    // Sent by someone allowed to, so only the token can stop it.
    const sender: Actor = entry.who === 'public' ? await (entry.visitor ?? visitor)() : entry.who === 'self' ? await buildUser(ctx.app) : author;
    const foreign = entry.who === 'public' ? (await visitor()).csrf : stranger.csrf;
    for (const body of ['urlencoded', 'multipart/form-data', 'Multipart/Form-Data'] as const) {
      for (const token of [undefined, foreign]) {
        const t = await entry.attempt!(sender);
        const before = await t.state();
        const res = await send(sender.agent, t, token, body);
        const what = `${body}, ${token ? "another session's token" : 'no token'}`;
        expect(res.status, `${what}: ${res.text.slice(0, 200)}`).toBe(403);
        expect(res.body.error?.code, what).toBe('csrf_invalid');
        expect(await t.state(), `${what}: something changed`).toEqual(before);
      }
    }
  });
}
