import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.js';
import { listNewestPosts, type PostFilter } from '../posts/queries.js';
import { findGenreBySlug, findInstrumentBySlug } from '../posts/taxonomy.js';
import { postCards } from '../posts/cards.js';
import { NotFound } from '../web/errors.js';
import { decodeCursor, page } from '../web/pagination.js';

const PAGE_SIZE = 20;

export function feedRoutes({ db }: Deps): Router {
  const router = Router();

  /** One page of newest songs matching `filter`, with an "older" link (keyset pagination). */
  async function renderFeed(req: Request, res: Response, filter: PostFilter, heading: { title: string; name: string; subtitle?: string }) {
    const before = decodeCursor(req.query.before);
    const rows = await listNewestPosts(db, { ...filter, before, limit: PAGE_SIZE + 1 });
    const { items, next } = page(rows, PAGE_SIZE);
    res.render('feed/home', {
      title: heading.title,
      heading: before ? `${heading.name}: older songs` : heading.name,
      subtitle: heading.subtitle ?? null,
      posts: await postCards(db, items, req.user),
      olderUrl: next ? `${req.path}?before=${next}` : null,
      isFirstPage: !before,
      isHome: req.path === '/',
    });
  }

  router.get('/', (req, res) => renderFeed(req, res, {}, { title: 'SoundHub', name: 'New songs' }));

  router.get('/genres/:slug', async (req, res) => {
    const genre = await findGenreBySlug(db, req.params.slug);
    if (!genre) throw new NotFound('There is no such genre.');
    await renderFeed(req, res, { genreId: genre.id }, { title: genre.name, name: `${genre.name} songs`, subtitle: 'Newest first, each ready for your part' });
  });

  router.get('/instruments/:slug', async (req, res) => {
    const instrument = await findInstrumentBySlug(db, req.params.slug);
    if (!instrument) throw new NotFound('There is no such instrument.');
    await renderFeed(req, res, { instrumentId: instrument.id }, { title: instrument.name, name: `Started on ${instrument.name.toLowerCase()}`, subtitle: `Songs whose author track is ${instrument.name.toLowerCase()}: add the other parts` });
  });

  return router;
}
