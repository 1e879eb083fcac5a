import type { Db } from '../db/knex.js';
import { postCards } from '../posts/cards.js';
import { listLookingFor, type LookingForFilter } from '../posts/looking-for-queries.js';
import { listNewestPosts, listPostSummariesByIds, type PostSummary } from '../posts/queries.js';
import { listInstruments } from '../posts/taxonomy.js';
import { listMusicianInstrumentIds } from '../users/profile-queries.js';
import { decodeCursor, page } from '../web/pagination.js';
import type { TFunction } from 'i18next';
import type { SharedRead } from '../web/shared-reads.js';
import { agoFor, instrumentName, tEnglish } from '../posts/names.js';
import { decodeFollowingCursor, encodeFollowingCursor, listFollowingFeed } from './following-queries.js';
import { decodeTrendingCursor, encodeTrendingCursor, listTrending } from './trending.js';

/** A card in a feed: the song, and for a part in the Following feed the line above it ("bob added bass"). */
export interface FeedEntry {
  post: PostSummary;
  note?: string | undefined;
}

/** One page of a section: its entries and the cursor of the next page, if there is one. */
export interface SectionPage {
  entries: FeedEntry[];
  next?: string | undefined;
}

/** Every section pages the same way: ask for one more than a page to know about "older". */
const songsPage = (rows: PostSummary[], limit: number): SectionPage => {
  const { items, next } = page(rows, limit);
  return { entries: items.map((post) => ({ post })), next };
};

export async function newSongs(db: Db, before: unknown, limit: number): Promise<SectionPage> {
  return songsPage(await listNewestPosts(db, { before: decodeCursor(before), limit: limit + 1 }), limit);
}

/** The ranking the worker keeps (src/feed/trending.ts), highest score first. */
export async function trendingSongs(db: Db, before: unknown, limit: number): Promise<SectionPage> {
  const rows = await listTrending(db, { before: decodeTrendingCursor(before), limit: limit + 1 });
  const shown = rows.slice(0, limit);
  const posts = await listPostSummariesByIds(
    db,
    shown.map((r) => r.post_id),
  );
  const last = shown.at(-1);
  return { entries: posts.map((post) => ({ post })), next: rows.length > limit && last ? encodeTrendingCursor(last) : undefined };
}

/** New songs and parts by the musicians `userId` follows, newest first. */
export async function followingFeed(db: Db, userId: number, before: unknown, limit: number, t: TFunction = tEnglish()): Promise<SectionPage> {
  const rows = await listFollowingFeed(db, userId, { before: decodeFollowingCursor(before), limit: limit + 1 });
  const shown = rows.slice(0, limit);
  const posts = new Map((await listPostSummariesByIds(db, [...new Set(shown.map((r) => r.post_id))])).map((p) => [p.id, p]));
  const entries = shown.flatMap((r): FeedEntry[] => {
    const post = posts.get(r.post_id);
    if (!post) return [];
    const part = r.instrument_slug && r.instrument ? instrumentName(t, { slug: r.instrument_slug, name: r.instrument }) : t('feed:note.a_part');
    return [{ post, note: r.kind === 'part' ? t('feed:note.added', { musician: r.musician ?? t('feed:note.someone'), part: part.toLowerCase(), ago: agoFor(t, r.created_at) }) : t('feed:note.posted', { musician: post.author_nickname }) }];
  });
  const last = shown.at(-1);
  return { entries, next: rows.length > limit && last ? encodeFollowingCursor(last) : undefined };
}

/** Songs looking for any of `instrumentIds` (every instrument when undefined), newest song first. */
export async function lookingForSongs(db: Db, instrumentIds: number[] | undefined, filter: LookingForFilter, before: unknown, limit: number): Promise<SectionPage> {
  const ids = instrumentIds ?? (await listInstruments(db)).map((i) => i.id);
  return songsPage(await listLookingFor(db, ids, filter, { before: decodeCursor(before), limit: limit + 1 }), limit);
}

/** Songs by others looking for an instrument the musician plays (their profile's instruments). */
export async function songsForMusician(db: Db, userId: number, before: unknown, limit: number): Promise<SectionPage & { plays: boolean }> {
  const ids = await listMusicianInstrumentIds(db, userId);
  if (ids.length === 0) return { entries: [], plays: false };
  return { ...(await lookingForSongs(db, ids, { notByAuthorId: userId }, before, limit)), plays: true };
}

/** The cards of several sections at once: one query each for the viewer's likes, "looking for" and the contributors' faces, however many. */
export async function sectionCards(db: Db, sections: SectionPage[], viewer: Express.User | undefined, t: TFunction = tEnglish(), shared?: SharedRead) {
  const cards = await postCards(
    db,
    sections.flatMap((s) => s.entries.map((e) => e.post)),
    viewer,
    t,
    shared,
  );
  let at = 0;
  return sections.map((s) => s.entries.map((e) => ({ ...cards[at++]!, note: e.note ?? null })));
}
