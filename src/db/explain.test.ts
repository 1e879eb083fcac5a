import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneDatabase } from '../../test/context.js';
import { commentsOfPostQuery } from '../comments/queries.js';
import { contributionsByMusicianQuery, contributionsOfPostQuery, includedContributionsOfPostQuery, likedContributionsQuery, otherContributionsOfPostQuery } from '../contributions/queries.js';
import { conversationMessagesQuery, inboxQuery, unreadTotalQuery } from '../messages/queries.js';
import { mixVersionsQuery, recipesQuery, staleRenderingVersionsQuery } from '../mixes/queries.js';
import { likedPostsQuery, newestPostsQuery } from '../posts/queries.js';
import { genresWithCountsQuery, instrumentsWithCountsQuery } from '../posts/taxonomy.js';
import { musicianSearchQuery, musiciansNamedQuery, songSearchQuery } from '../search/queries.js';
import { prefixQuery } from '../search/schemas.js';
import { staleProcessingTracksQuery } from '../tracks/queries.js';
import { digestRecipientsQuery } from '../notifications/digest-queries.js';
import { notificationListQuery, unreadCountQuery } from '../notifications/queries.js';
import { blockedByQuery, blockedListQuery } from '../users/block-queries.js';
import { followListQuery } from '../users/follow-queries.js';
import { followingFeedQuery } from '../feed/following-queries.js';
import { refreshTrending, trendingPageQuery, trendingScoresQuery } from '../feed/trending.js';
import { lookingForOfQuery, lookingForPageQuery } from '../posts/looking-for-queries.js';
import { createDb, type Db } from './knex.js';

/**
 * Every list query, planned by PostgreSQL on a database the size of a busy site: no
 * sequential scan of a big table, so a page costs the same however many rows there are.
 * The SQL comes from the query functions themselves (knex builders), so this follows the code.
 */
const USERS = 20_000;
const POSTS = 100_000;
const CONTRIBUTIONS = 150_000;
/** One post with a long mix history, and one version on each of the first VERSIONED posts. */
const LONG_HISTORY = 500;
const VERSIONED = 10_000;
const RECIPE_ROWS = 6;
/** Likes and follows: a few per musician, and one musician (user 42) with many of each; likes spread over two years, so a week holds a few thousand. */
const LIKES = 200_000;
const FOLLOWS = 100_000;
/** Comments: a few per song, and a long conversation (with replies) on post 1. */
const COMMENTS = 300_000;

/** Notifications: most read and mailed long ago; user 42 has many. */
const NOTIFICATIONS = 200_000;

/** Conversations between random pairs, MESSAGES_EACH messages in each; user 42 in many, with one long conversation. */
const CONVERSATIONS = 50_000;
const MESSAGES_EACH = 8;
const BLOCKS = 20_000;

/** Songs looking for a part (one in five, one to three instruments each) and hours of plays over the last 8 days (as swept). */
const LOOKING_FOR_EVERY = 5;
const PLAY_HOURS = 100_000;

// post_play_hours is not one: the trending refresh sweeps it to its last 8 days, so the refresh
// reading the week reads nearly all of it, and a sequential scan is the right plan there.
const BIG_TABLES = ['users', 'posts', 'tracks', 'contributions', 'mix_versions', 'mix_version_tracks', 'post_likes', 'contribution_likes', 'follows', 'comments', 'notifications', 'blocks', 'conversations', 'conversation_members', 'messages', 'post_looking_for', 'trending_songs'];

let db: Db;
let ids: { commonGenre: number; rareGenre: number; instrument: number; shownVersions: number[]; instruments: number[] };

async function seed(db: Db) {
  const started = Date.now();
  await db.transaction((trx) => insertRows(trx));
  await db.raw('analyze');
  const refreshing = Date.now();
  const trending = await refreshTrending(db);
  console.log(`trending refreshed in ${Date.now() - refreshing} ms: ${trending} songs`);
  await db.raw('analyze trending_songs');
  const counts = await db.raw<{ rows: Array<{ relname: string; n_live_tup: number }> }>(
    `select relname, n_live_tup from pg_stat_user_tables where relname = any(?) order by relname`,
    [BIG_TABLES],
  );
  console.log(`seeded and analysed in ${((Date.now() - started) / 1000).toFixed(1)} s:`, Object.fromEntries(counts.rows.map((r) => [r.relname, r.n_live_tup])));
}

/** Rows straight from generate_series, every reference made to exist. */
async function insertRows(db: Knex.Transaction) {
  // The rows are consistent by construction: skip the foreign-key triggers to seed in seconds.
  await db.raw('set local session_replication_role = replica');
  const steps: string[] = [];
  const step = async (name: string, sql: string) => {
    const t = Date.now();
    await db.raw(sql);
    steps.push(`${name} ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };
  // Nicknames as varied as real ones ("nora_3f9a1"): trigram search is planned from how common
  // each trigram is, and 20 000 names sharing "user" would make every trigram look common.
  await step('users', `insert into users (id, email, nickname, password_hash, created_at)
    select i, 'user' || i || '@example.test', (array['ana','bruno','chloe','dae','eun','farid','gia','hana','ivan','jun','kai','lena','min','nora','omar','pia','quinn','rui','sara','taro'])[1 + i % 20] || '_' || substr(md5(i::text), 1, 5) || (i / 20),
      'x', now() - i * interval '1 hour' from generate_series(1, ${USERS}) i`);
  // Author tracks a1…, contribution tracks c1…: uuids from md5 so posts and parts can name them.
  await step('author tracks', `insert into tracks (id, owner_id, kind, status, original_key, original_name, original_type, original_bytes, duration_ms, updated_at)
    select md5('a' || i)::uuid, 1 + i % ${USERS}, 'author', 'ready', 'tracks/a' || i || '/original.mp3', 'idea.mp3', 'audio/mpeg', 1000, 60000, now() - interval '1 day'
    from generate_series(1, ${POSTS}) i`);
  await step('part tracks', `insert into tracks (id, owner_id, kind, status, original_key, original_name, original_type, original_bytes, duration_ms, updated_at)
    select md5('c' || i)::uuid, 1 + (i * 7) % ${USERS}, 'contribution', case when i % 5000 = 0 then 'processing' else 'ready' end,
      'tracks/c' || i || '/original.mp3', 'part.mp3', 'audio/mpeg', 1000, 60000, now() - interval '1 day'
    from generate_series(1, ${CONTRIBUTIONS}) i`);
  // Genres: the last one is rare (one post in a thousand), the others share the rest.
  await step('posts', `insert into posts (id, author_id, title, genre_id, instrument_id, author_track_id, created_at)
    select i, 1 + i % ${USERS}, 'Song ' || i,
      case when i % 1000 = 0 then g.ids[array_length(g.ids, 1)] else g.ids[1 + i % (array_length(g.ids, 1) - 1)] end,
      n.ids[1 + i % array_length(n.ids, 1)], md5('a' || i)::uuid, now() - i * interval '1 minute'
    from generate_series(1, ${POSTS}) i,
      (select array_agg(id order by position) ids from genres) g,
      (select array_agg(id order by position) ids from instruments) n`);
  await step('contributions', `insert into contributions (id, post_id, contributor_id, track_id, instrument_id, included, created_at)
    select i, 1 + i % ${POSTS}, 1 + (i * 7) % ${USERS}, md5('c' || i)::uuid, n.ids[1 + i % array_length(n.ids, 1)], i % 3 = 0, now() - i * interval '30 seconds'
    from generate_series(1, ${CONTRIBUTIONS}) i, (select array_agg(id order by position) ids from instruments) n`);
  // Post 1 has a long history; posts 2…VERSIONED one version each; a few still rendering.
  await step('long history', `insert into mix_versions (id, post_id, number, created_by, status, created_at)
    select i, 1, i, 1, 'ready', now() - (${LONG_HISTORY} - i) * interval '1 minute' from generate_series(1, ${LONG_HISTORY}) i`);
  await step('versions', `insert into mix_versions (id, post_id, number, created_by, status, created_at)
    select ${LONG_HISTORY} + i, 1 + i, 1, 1 + i % ${USERS}, case when i % 2000 = 0 then 'rendering' else 'ready' end, now() - interval '1 day'
    from generate_series(1, ${VERSIONED}) i`);
  await step('recipes', `insert into mix_version_tracks (mix_version_id, track_id, contribution_id, role, musician, instrument, position)
    select v.id, md5('c' || (v.id * ${RECIPE_ROWS} + p) % ${CONTRIBUTIONS} + 1)::uuid, null, 'contribution', 'user1', 'Bass', p
    from mix_versions v, generate_series(0, ${RECIPE_ROWS - 1}) p`);
  await step('likes', `insert into post_likes (user_id, post_id, created_at)
    select 1 + i % ${USERS}, 1 + (i * 13) % ${POSTS}, now() - i * interval '5 minutes' from generate_series(1, ${LIKES}) i
    union all select 42, i, now() - i * interval '1 second' from generate_series(1, 5000) i
    on conflict do nothing`);
  await step('part likes', `insert into contribution_likes (user_id, contribution_id, created_at)
    select 1 + i % ${USERS}, 1 + (i * 17) % ${CONTRIBUTIONS}, now() - i * interval '10 seconds' from generate_series(1, ${LIKES}) i
    union all select 42, i, now() - i * interval '1 second' from generate_series(1, 5000) i
    on conflict do nothing`);
  await step('follows', `insert into follows (follower_id, followed_id, created_at)
    select 1 + i % ${USERS}, 1 + (i * 7919) % ${USERS}, now() - i * interval '10 seconds' from generate_series(1, ${FOLLOWS}) i
    where 1 + i % ${USERS} <> 1 + (i * 7919) % ${USERS}
    union all select i, 42, now() - i * interval '1 second' from generate_series(1, 3000) i where i <> 42
    union all select 42, i, now() - i * interval '1 second' from generate_series(5000, 8000) i
    on conflict do nothing`);
  await step('comments', `insert into comments (id, post_id, author_id, body, at_ms, created_at)
    select i, 1 + i % ${POSTS}, 1 + (i * 11) % ${USERS}, 'Nice ' || i, case when i % 3 = 0 then (i % 60) * 1000 end, now() - i * interval '5 seconds'
    from generate_series(1, ${COMMENTS}) i`);
  await step('a long conversation', `insert into comments (id, post_id, author_id, parent_id, body, created_at)
    select ${COMMENTS} + i, 1, 1 + i % ${USERS}, case when i % 4 = 0 then 1 + ${POSTS} * (i % 3) end, 'Reply ' || i, now() - i * interval '1 second'
    from generate_series(1, 2000) i`);
  // Every tenth unread, every fiftieth not yet in a digest; a few a minute over the last weeks.
  await step('notifications', `insert into notification_digests (id, user_id, created_at, sent_at) values (1, 1, now() - interval '30 days', now() - interval '30 days');
    insert into notifications (recipient_id, kind, subject_id, actor_id, post_id, actors_count, created_at, updated_at, read_at, digest_id)
    select case when i % 40 = 0 then 42 else 1 + i % ${USERS} end, (array['follower','song_liked','part_added','comment'])[1 + i % 4], i, 1 + (i * 7) % ${USERS},
      case when i % 4 = 0 then null else 1 + i % ${POSTS} end, 1, now() - i * interval '10 seconds', now() - i * interval '10 seconds',
      case when i % 10 = 0 then null else now() end, case when i % 50 = 0 then null else 1 end
    from generate_series(1, ${NOTIFICATIONS}) i`);
  await step('blocks', `insert into blocks (blocker_id, blocked_id, created_at)
    select 1 + i % ${USERS}, 1 + (i * 3571) % ${USERS}, now() - i * interval '10 seconds' from generate_series(1, ${BLOCKS}) i
    where 1 + i % ${USERS} <> 1 + (i * 3571) % ${USERS}
    union all select 42, i, now() - i * interval '1 second' from generate_series(9000, 9500) i
    on conflict do nothing`);
  // Pairs in id order; user 42 also talks with users 10 000…12 999 (the first of those at length).
  await step('conversations', `insert into conversations (id, first_user_id, second_user_id)
    select i, least(a, b), greatest(a, b) from (
      select i, 1 + i % ${USERS} as a, 1 + (i * 12289) % ${USERS} as b from generate_series(1, ${CONVERSATIONS}) i
      union all select ${CONVERSATIONS} + 1 + i, 42, 10000 + i from generate_series(0, 2999) i
    ) p where a <> b
    on conflict do nothing`);
  await step('conversation members', `insert into conversation_members (conversation_id, user_id, other_user_id, last_message_at, unread_count)
    select c.id, m.user_id, m.other_id, now() - c.id * interval '1 minute', case when c.id % 7 = 0 then 2 else 0 end
    from conversations c, lateral (values (c.first_user_id, c.second_user_id), (c.second_user_id, c.first_user_id)) m(user_id, other_id)`);
  await step('messages', `insert into messages (conversation_id, sender_id, body, created_at)
    select c.id, case when j % 2 = 0 then c.first_user_id else c.second_user_id end, 'message ' || j, now() - c.id * interval '1 minute' - j * interval '1 second'
    from conversations c, generate_series(1, ${MESSAGES_EACH}) j
    union all select ${CONVERSATIONS} + 1, 42, 'long ' || j, now() - j * interval '1 second' from generate_series(1, 5000) j`);
  await step('looking for', `insert into post_looking_for (post_id, instrument_id, post_created_at)
    select p.id, n.ids[1 + (p.id / ${LOOKING_FOR_EVERY} + k) % array_length(n.ids, 1)], p.created_at
    from posts p, generate_series(0, 2) k, (select array_agg(id order by position) ids from instruments) n
    where p.id % ${LOOKING_FOR_EVERY} = 0 and k <= p.id % 3
    on conflict do nothing`);
  await step('play hours', `insert into post_play_hours (post_id, hour, plays)
    select 1 + (i * 31) % ${POSTS}, date_trunc('hour', now()) - (i % 192) * interval '1 hour', 1 + i % 7 from generate_series(1, ${PLAY_HOURS}) i
    on conflict do nothing`);
  console.log(`inserted: ${steps.join(', ')}`);
}

/** The plan PostgreSQL picks for a knex query, as EXPLAIN prints it. */
async function explain(query: Knex.QueryBuilder): Promise<string> {
  const { sql, bindings } = query.toSQL();
  const result = await db.raw<{ rows: Array<{ 'QUERY PLAN': string }> }>(`explain ${sql}`, bindings);
  return result.rows.map((r) => r['QUERY PLAN']).join('\n');
}

const words = (text: string) => ({ words: text, prefixQuery: prefixQuery(text) });
const noTaxonomy = { genreIds: [], instrumentIds: [], musicianIds: [] };

const seqScansOfBigTables = (plan: string) => [...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]!).filter((t) => BIG_TABLES.includes(t));

beforeAll(async () => {
  db = createDb({ url: await cloneDatabase() });
  await seed(db);
  const genres: Array<{ id: number }> = await db('genres').select('id').orderBy('position');
  const instruments: Array<{ id: number }> = await db('instruments').select('id').orderBy('position');
  const shown: Array<{ id: number }> = await mixVersionsQuery(db, 1, { limit: 11 });
  ids = { commonGenre: genres[0]!.id, rareGenre: genres.at(-1)!.id, instrument: instruments[1]!.id, shownVersions: shown.map((v) => v.id), instruments: instruments.map((i) => i.id) };
}, 120_000);
afterAll(() => db?.destroy());

describe('list queries on a seeded database', () => {
  const page = 21; // a page of 20 and one more to know about "older"
  const cursor = () => ({ createdAt: new Date(Date.now() - 5000 * 60_000), id: 5000 });
  // Builders, not promises: awaiting a knex builder would run it instead of explaining it.
  const cases: Array<[string, () => Knex.QueryBuilder]> = [
    ['home: newest songs', () => newestPostsQuery(db, { limit: page })],
    ['home: an older page', () => newestPostsQuery(db, { limit: page, before: cursor() })],
    ['genre page', () => newestPostsQuery(db, { limit: page, genreId: ids.commonGenre })],
    ['rare genre page', () => newestPostsQuery(db, { limit: page, genreId: ids.rareGenre })],
    ['rare genre, an older page', () => newestPostsQuery(db, { limit: page, genreId: ids.rareGenre, before: cursor() })],
    ['instrument page', () => newestPostsQuery(db, { limit: page, instrumentId: ids.instrument })],
    ['profile: songs', () => newestPostsQuery(db, { limit: page, authorId: 42 })],
    ['profile: parts', () => contributionsByMusicianQuery(db, 42, { limit: page })],
    ['profile: parts, an older page', () => contributionsByMusicianQuery(db, 42, { limit: page, before: cursor() })],
    ['profile: liked parts', () => likedContributionsQuery(db, 42, { limit: page })],
    ['profile: liked parts, an older page', () => likedContributionsQuery(db, 42, { limit: page, before: { createdAt: new Date(Date.now() - 2000_000), id: 2000 } })],
    ['profile: liked songs', () => likedPostsQuery(db, 42, { limit: page })],
    ['profile: liked songs, an older page', () => likedPostsQuery(db, 42, { limit: page, before: { createdAt: new Date(Date.now() - 2000_000), id: 2000 } })],
    ['profile: followers', () => followListQuery(db, 42, 'followers', { limit: page })],
    ['profile: followers, an older page', () => followListQuery(db, 42, 'followers', { limit: page, before: { createdAt: new Date(Date.now() - 1000_000), id: 1000 } })],
    ['profile: following', () => followListQuery(db, 42, 'following', { limit: page })],
    ['profile: following, an older page', () => followListQuery(db, 42, 'following', { limit: page, before: { createdAt: new Date(Date.now() - 6000_000), id: 6000 } })],
    ['post page: parts', () => contributionsOfPostQuery(db, 1)],
    ['post page: parts in the mix', () => includedContributionsOfPostQuery(db, 1)],
    ['post page: parts outside the mix', () => otherContributionsOfPostQuery(db, 1, { limit: 31 })],
    ['post page: parts outside the mix, an older page', () => otherContributionsOfPostQuery(db, 1, { limit: 31, before: cursor() })],
    ['post page: versions', () => mixVersionsQuery(db, 1, { limit: 11 })],
    ['post page: comments', () => commentsOfPostQuery(db, 1)],
    ['post page: comments without blocked musicians', () => commentsOfPostQuery(db, 1, { hiddenAuthorIds: [42, 4242] })],
    ['older versions page', () => mixVersionsQuery(db, 1, { limit: 11, before: 250 })],
    ['post page: recipes of the versions shown', () => recipesQuery(db, ids.shownVersions)],
    ['render poll: one version', () => mixVersionsQuery(db, 1, { limit: 2, before: 401 })],
    ['sweep: tracks still processing', () => staleProcessingTracksQuery(db, 900)],
    ['sweep: versions still rendering', () => staleRenderingVersionsQuery(db, 900)],
    ['search: a title', () => songSearchQuery(db, words('Song 4242'), noTaxonomy, { limit: page, offset: 0 })],
    ['search: a misspelt title', () => songSearchQuery(db, words('Sogn 4242'), noTaxonomy, { limit: page, offset: 0 })],
    ['search: a Korean word', () => songSearchQuery(db, words('서울'), noTaxonomy, { limit: page, offset: 0 })],
    ['search: a nickname, later page', () => songSearchQuery(db, words('user4242'), { ...noTaxonomy, musicianIds: [4242, 4243] }, { limit: page, offset: 100 })],
    ['search: a word with filters', () => songSearchQuery(db, { ...words('4242'), genreId: ids.rareGenre, bpmMin: 90, bpmMax: 130 }, noTaxonomy, { limit: page, offset: 0 })],
    ['search: filters alone', () => songSearchQuery(db, { ...words(''), instrumentId: ids.instrument, key: 'C major' }, noTaxonomy, { limit: page, offset: 0 })],
    ['search: a word naming a genre and an instrument', () => songSearchQuery(db, words('guitr'), { genreIds: [ids.commonGenre], instrumentIds: [ids.instrument], musicianIds: [] }, { limit: page, offset: 0 })],
    ['search: nicknames like the words', () => musiciansNamedQuery(db, 'nroa_3f9', 20)],
    ['search: musicians by nickname', () => musicianSearchQuery(db, { words: 'nroa_3f9' }, noTaxonomy, 8)!],
    ['search: musicians playing an instrument', () => musicianSearchQuery(db, { words: '', instrumentId: ids.instrument }, noTaxonomy, 8)!],
    ['notifications page', () => notificationListQuery(db, 42, { limit: page })],
    ['notifications page, an older one', () => notificationListQuery(db, 42, { limit: page, before: { createdAt: new Date(Date.now() - 1000_000), id: 1000 } })],
    ['notifications badge: unread count', () => unreadCountQuery(db, 42)],
    ['digest: musicians with notifications due', () => digestRecipientsQuery(db, 300)],
    ['messages: the inbox', () => inboxQuery(db, 42, { limit: page })],
    ['messages: an older inbox page', () => inboxQuery(db, 42, { limit: page, before: { createdAt: new Date(Date.now() - 51_000 * 60_000), id: 51_000 } })],
    ['messages: the header\'s unread total', () => unreadTotalQuery(db, 42)],
    ['messages: a long conversation', () => conversationMessagesQuery(db, CONVERSATIONS + 1, { limit: 31 })],
    ['messages: a long conversation, an older page', () => conversationMessagesQuery(db, CONVERSATIONS + 1, { limit: 31, before: { createdAt: new Date(Date.now() - 2500_000), id: 2500 } })],
    ['blocks: the settings list', () => blockedListQuery(db, 42, { limit: 31 })],
    ['blocks: whom a viewer blocked (comments hide them)', () => db('users').select('id').whereIn('id', [1, 2, 3, 9100]).whereNotIn('id', blockedByQuery(db, 42))],
    ['home: trending', () => trendingPageQuery(db, { limit: page })],
    ['trending, an older page', () => trendingPageQuery(db, { limit: page, before: { score: 10, id: 50_000 } })],
    ['trending refresh: the scores of the last 7 days', () => trendingScoresQuery(db)],
    ['home: following', () => followingFeedQuery(db, 42, { limit: page })],
    ['following, an older page', () => followingFeedQuery(db, 42, { limit: page, before: { createdAt: new Date(Date.now() - 3000 * 60_000), kind: 'part', id: 90_000 } })],
    ['looking for an instrument', () => lookingForPageQuery(db, [ids.instrument], {}, { limit: page })],
    ['looking for an instrument, an older page', () => lookingForPageQuery(db, [ids.instrument], {}, { limit: page, before: cursor() })],
    ['looking for an instrument, filtered', () => lookingForPageQuery(db, [ids.instrument], { genreId: ids.commonGenre, bpmMin: 80, bpmMax: 120, key: 'C major' }, { limit: page })],
    ['looking for an instrument in a rare genre', () => lookingForPageQuery(db, [ids.instrument], { genreId: ids.rareGenre }, { limit: page })],
    ['home: looking for a part (any instrument)', () => lookingForPageQuery(db, ids.instruments, {}, { limit: page })],
    ['home: looking for your instruments', () => lookingForPageQuery(db, ids.instruments.slice(0, 3), { notByAuthorId: 42 }, { limit: page })],
    ['cards: what each song is looking for', () => lookingForOfQuery(db, Array.from({ length: 20 }, (_, i) => (i + 1) * 5))],
    ['genres with song counts', () => genresWithCountsQuery(db)],
    ['instruments with song counts', () => instrumentsWithCountsQuery(db)],
  ];

  it('sees a sequential scan when there is one (the check can fail)', async () => {
    const plan = await explain(db('tracks').select('id').where('original_name', 'nobody-named-it-this.mp3'));
    expect(seqScansOfBigTables(plan)).toEqual(['tracks']);
  });

  it.each(cases)('%s: no sequential scan of a big table', async (name, build) => {
    const plan = await explain(build());
    console.log(`-- ${name}\n${plan}\n`);
    expect(seqScansOfBigTables(plan), plan).toEqual([]);
  });
});

describe('trending: a refreshed table or a query per page', () => {
  /** Median wall time of `runs` runs of `fn`, in ms. */
  const median = async (fn: () => Promise<unknown>, runs = 5) => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await fn();
      times.push(performance.now() - t);
    }
    return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
  };

  it('a page of the table is the live ranking, measured against computing it per page', async () => {
    const live = () => db.select('post_id', 'score').from(trendingScoresQuery(db).as('t')).orderBy([{ column: 'score', order: 'desc' }, { column: 'post_id', order: 'desc' }]).limit(21);
    const table = () => trendingPageQuery(db, { limit: 21 });
    expect(await table()).toEqual(await live());
    const [liveMs, tableMs, refreshMs] = [await median(() => live()), await median(() => table()), await median(() => refreshTrending(db), 3)];
    console.log(`trending, median ms: a page computed live ${liveMs.toFixed(1)}, a page of trending_songs ${tableMs.toFixed(1)} (×${(liveMs / tableMs).toFixed(0)}), a refresh ${refreshMs.toFixed(1)}`);
  });
});
