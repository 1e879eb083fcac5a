import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.js';
import { listNewestPosts, type PostFilter } from '../posts/queries.js';
import { findGenreBySlug, findInstrumentBySlug } from '../posts/taxonomy.js';
import { requireUser } from '../web/auth-guard.js';
import { NotFound } from '../web/errors.js';
import { decodeCursor, page } from '../web/pagination.js';
import { renderList, type ListHeading } from './list-page.js';
import { followingFeed, lookingForSongs, newSongs, sectionCards, songsForMusician, trendingSongs } from './sections.js';

const PAGE_SIZE = 20;
/** Cards per section on the home page; each section's "more" link opens its full list. */
const HOME_SECTION_SIZE = 4;

export function feedRoutes({ db }: Deps): Router {
  const router = Router();

  /** One page of newest songs matching `filter`, with an "older" link (keyset pagination). */
  async function renderNewest(req: Request, res: Response, filter: PostFilter, heading: ListHeading) {
    const rows = await listNewestPosts(db, { ...filter, before: decodeCursor(req.query.before), limit: PAGE_SIZE + 1 });
    const { items, next } = page(rows, PAGE_SIZE);
    await renderList(db, req, res, { entries: items.map((post) => ({ post })), next }, heading);
  }

  router.get('/', async (req, res) => {
    const user = req.user;
    const [following, forYou, trending, fresh, looking] = await Promise.all([
      user ? followingFeed(db, user.id, undefined, HOME_SECTION_SIZE) : undefined,
      user ? songsForMusician(db, user.id, undefined, HOME_SECTION_SIZE) : undefined,
      trendingSongs(db, undefined, HOME_SECTION_SIZE),
      newSongs(db, undefined, HOME_SECTION_SIZE),
      lookingForSongs(db, undefined, {}, undefined, HOME_SECTION_SIZE),
    ]);
    const sections = [following, forYou, trending, fresh, looking];
    const cards = await sectionCards(
      db,
      sections.map((s) => s ?? { entries: [] }),
      user,
    );
    const section = (i: number, more: string) => (sections[i] ? { posts: cards[i]!, moreUrl: sections[i].next ? more : null } : null);
    res.render('feed/home', {
      title: 'SoundHub',
      following: section(0, '/following'),
      forYou: forYou ? { ...section(1, '/for-you')!, playsSomething: forYou.plays } : null,
      trending: section(2, '/trending'),
      fresh: section(3, '/new'),
      looking: section(4, '/looking-for'),
    });
  });

  router.get('/new', (req, res) => renderNewest(req, res, {}, { title: 'New songs', name: 'New songs', subtitle: 'Newest first, each ready for your part' }));

  router.get('/trending', async (req, res) => {
    const section = await trendingSongs(db, req.query.before, PAGE_SIZE);
    await renderList(db, req, res, section, {
      title: 'Trending',
      name: 'Trending this week',
      subtitle: 'By new parts, likes and plays in the last 7 days',
      empty: 'Nothing has been liked, played or added to in the last 7 days.',
    });
  });

  router.get('/following', requireUser, async (req, res) => {
    const section = await followingFeed(db, req.user!.id, req.query.before, PAGE_SIZE);
    await renderList(db, req, res, section, {
      title: 'Following',
      name: 'Following',
      subtitle: 'New songs and parts by the musicians you follow, newest first',
      empty: 'Nothing yet from the musicians you follow. Follow musicians from their profile pages to see their new songs and parts here.',
    });
  });

  router.get('/genres/:slug', async (req, res) => {
    const genre = await findGenreBySlug(db, req.params.slug);
    if (!genre) throw new NotFound('There is no such genre.');
    await renderNewest(req, res, { genreId: genre.id }, { title: genre.name, name: `${genre.name} songs`, subtitle: 'Newest first, each ready for your part' });
  });

  router.get('/instruments/:slug', async (req, res) => {
    const instrument = await findInstrumentBySlug(db, req.params.slug);
    if (!instrument) throw new NotFound('There is no such instrument.');
    await renderNewest(req, res, { instrumentId: instrument.id }, { title: instrument.name, name: `Started on ${instrument.name.toLowerCase()}`, subtitle: `Songs whose author track is ${instrument.name.toLowerCase()}: add the other parts` });
  });

  return router;
}
