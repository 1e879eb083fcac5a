import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.js';
import { listNewestPosts, type PostFilter } from '../posts/queries.js';
import { findGenreBySlug, findInstrumentBySlug } from '../posts/taxonomy.js';
import { requireUser } from '../web/auth-guard.js';
import { NotFound } from '../web/errors.js';
import { decodeCursor, page } from '../web/pagination.js';
import { genreName, instrumentName, tOf } from '../posts/names.js';
import { renderList, type ListHeading } from './list-page.js';
import { followingFeed, lookingForSongs, newSongs, sectionCards, songsForMusician, trendingSongs } from './sections.js';

const PAGE_SIZE = 20;
/** Cards per section on the home page; each section's "more" link opens its full list. */
const HOME_SECTION_SIZE = 4;

export function feedRoutes({ db }: Deps): Router {
  const router = Router();

  /** One page of newest songs matching `filter`, with an "older" link (keyset pagination). */
  async function renderNewest(req: Request, res: Response, filter: PostFilter, heading: ListHeading) {
    const before = decodeCursor(req.query.before);
    const rows = await req.shared(`newest:${JSON.stringify([filter, before])}`, () => listNewestPosts(db, { ...filter, before, limit: PAGE_SIZE + 1 }));
    const { items, next } = page(rows, PAGE_SIZE);
    await renderList(db, req, res, { entries: items.map((post) => ({ post })), next }, heading);
  }

  router.get('/', async (req, res) => {
    const user = req.user;
    const [following, forYou, [trending, fresh, looking]] = await Promise.all([
      user ? followingFeed(db, user.id, undefined, HOME_SECTION_SIZE, tOf(res)) : undefined,
      user ? songsForMusician(db, user.id, undefined, HOME_SECTION_SIZE) : undefined,
      // The sections every visitor sees alike.
      req.shared('home', () => Promise.all([trendingSongs(db, undefined, HOME_SECTION_SIZE), newSongs(db, undefined, HOME_SECTION_SIZE), lookingForSongs(db, undefined, {}, undefined, HOME_SECTION_SIZE)])),
    ]);
    const sections = [following, forYou, trending, fresh, looking];
    const cards = await sectionCards(
      db,
      sections.map((s) => s ?? { entries: [] }),
      user,
      tOf(res),
      req.shared,
    );
    const section = (i: number, more: string) => (sections[i] ? { posts: cards[i]!, moreUrl: sections[i].next ? more : null } : null);
    res.render('feed/home', {
      title: 'SoundHub', // the layout titles the home page in the reader's language
      following: section(0, '/following'),
      forYou: forYou ? { ...section(1, '/for-you')!, playsSomething: forYou.plays } : null,
      trending: section(2, '/trending'),
      fresh: section(3, '/new'),
      looking: section(4, '/looking-for'),
    });
  });

  router.get('/new', (req, res) => {
    const t = tOf(res);
    return renderNewest(req, res, {}, { title: t('feed:new.name'), name: t('feed:new.name'), subtitle: t('feed:new.subtitle') });
  });

  router.get('/trending', async (req, res) => {
    const section = await req.shared(`trending:${JSON.stringify(req.query.before ?? null)}`, () => trendingSongs(db, req.query.before, PAGE_SIZE));
    const t = tOf(res);
    await renderList(db, req, res, section, {
      title: t('feed:trending.title'),
      name: t('feed:trending.name'),
      subtitle: t('feed:trending.subtitle'),
      empty: t('feed:trending.empty'),
    });
  });

  router.get('/following', requireUser, async (req, res) => {
    const t = tOf(res);
    const section = await followingFeed(db, req.user!.id, req.query.before, PAGE_SIZE, t);
    await renderList(db, req, res, section, {
      title: t('feed:following.title'),
      name: t('feed:following.title'),
      subtitle: t('feed:following.subtitle'),
      empty: t('feed:following.empty'),
    });
  });

  router.get('/genres/:slug', async (req, res) => {
    const genre = await findGenreBySlug(db, req.params.slug);
    if (!genre) throw new NotFound('There is no such genre.');
    const t = tOf(res);
    const name = genreName(t, genre);
    await renderNewest(req, res, { genreId: genre.id }, { title: name, name: t('feed:genre.name', { genre: name }), subtitle: t('feed:new.subtitle') });
  });

  router.get('/instruments/:slug', async (req, res) => {
    const instrument = await findInstrumentBySlug(db, req.params.slug);
    if (!instrument) throw new NotFound('There is no such instrument.');
    const t = tOf(res);
    const name = instrumentName(t, instrument);
    await renderNewest(req, res, { instrumentId: instrument.id }, { title: name, name: t('feed:instrument.name', { instrument: name.toLowerCase() }), subtitle: t('feed:instrument.subtitle', { instrument: name.toLowerCase() }) });
  });

  return router;
}
