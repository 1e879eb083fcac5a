import { Router } from 'express';
import type { Deps } from '../deps.js';
import { listPostSummariesByIds } from '../posts/queries.js';
import { MUSICAL_KEYS } from '../posts/schemas.js';
import { listGenres, listInstruments, listGenresWithCounts, listInstrumentsWithCounts } from '../posts/taxonomy.js';
import { postCards } from '../posts/cards.js';
import { BadRequest } from '../web/errors.js';
import { tOf } from '../posts/names.js';
import { findMusiciansNamed, MAX_RESULTS, matchTaxonomy, searchMusicians, searchSongIds } from './queries.js';
import { prefixQuery, searchSchema, type SearchInput } from './schemas.js';

const PAGE_SIZE = 20;
const MUSICIANS_SHOWN = 8;
/** Songs by at most this many musicians named like the words join the results. */
const AUTHORS_MATCHED = 20;

export function searchRoutes({ db }: Deps): Router {
  const router = Router();

  router.get('/search', async (req, res) => {
    const parsed = searchSchema.safeParse(req.query);
    if (!parsed.success) throw new BadRequest(parsed.error.issues[0]?.message ?? 'That search could not be understood.');
    const input = parsed.data;
    const [genres, instruments] = await Promise.all([listGenres(db), listInstruments(db)]);
    const genre = input.genre === undefined ? undefined : genres.find((g) => g.slug === input.genre);
    const instrument = input.instrument === undefined ? undefined : instruments.find((i) => i.slug === input.instrument);
    if (input.genre !== undefined && !genre) throw new BadRequest('There is no such genre: pick one from the list.');
    if (input.instrument !== undefined && !instrument) throw new BadRequest('There is no such instrument: pick one from the list.');

    const filtersSet = genre || instrument || input.bpmMin !== undefined || input.bpmMax !== undefined || input.key !== undefined;
    const t = tOf(res);
    const view = { title: input.q ? t('search:page_title', { q: input.q }) : t('search:title'), form: formValues(input), genres, instruments, keys: MUSICAL_KEYS };
    if (!input.q && !filtersSet) return res.render('search/results', { ...view, searched: false, posts: [], musicians: [], olderUrl: null, newerUrl: null });

    const search = { words: input.q, prefixQuery: prefixQuery(input.q), genreId: genre?.id, instrumentId: instrument?.id, bpmMin: input.bpmMin, bpmMax: input.bpmMax, key: input.key };
    const offset = (input.page - 1) * PAGE_SIZE;
    // Every reader asking the same gets the same results: a shared read (src/web/shared-reads.ts).
    const { ids, musicians, posts } = await req.shared(`search:${JSON.stringify([search, offset])}`, async () => {
      const [taxonomy, musicianIds] = await Promise.all([matchTaxonomy(db, input.q), findMusiciansNamed(db, input.q, AUTHORS_MATCHED)]);
      const [ids, musicians] = await Promise.all([
        searchSongIds(db, search, { ...taxonomy, musicianIds }, { limit: PAGE_SIZE + 1, offset }),
        // Musicians on the first page only: a short list above the songs, not paginated with them.
        input.page === 1 ? searchMusicians(db, { words: input.q, instrumentId: instrument?.id }, taxonomy, MUSICIANS_SHOWN) : Promise.resolve([]),
      ]);
      return { ids, musicians, posts: await listPostSummariesByIds(db, ids.slice(0, PAGE_SIZE)) };
    });
    const more = ids.length > PAGE_SIZE && offset + PAGE_SIZE < MAX_RESULTS;
    res.render('search/results', {
      ...view,
      searched: true,
      posts: await postCards(db, posts, req.user, t, req.shared),
      musicians: musicians.map((m) => ({ nickname: m.nickname, url: `/users/${encodeURIComponent(m.nickname)}`, bio: m.bio, instruments: m.instruments.map((name) => ({ name, slug: instruments.find((i) => i.name === name)?.slug ?? '' })) })),
      page: input.page,
      olderUrl: more ? pageUrl(input, input.page + 1) : null,
      newerUrl: input.page > 1 ? pageUrl(input, input.page - 1) : null,
    });
  });

  router.get('/genres', async (_req, res) => {
    const genres = await listGenresWithCounts(db);
    const t = tOf(res);
    res.render('search/index-page', { title: t('search:genres_title'), heading: t('search:genres_title'), items: genres.map((g) => ({ kind: 'genre', slug: g.slug, name: g.name, url: `/genres/${g.slug}`, songs: g.songs })) });
  });

  router.get('/instruments', async (_req, res) => {
    const instruments = await listInstrumentsWithCounts(db);
    const t = tOf(res);
    res.render('search/index-page', { title: t('search:instruments_title'), heading: t('search:instruments_title'), items: instruments.map((i) => ({ kind: 'instrument', slug: i.slug, name: i.name, url: `/instruments/${i.slug}`, songs: i.songs })) });
  });

  return router;
}

/** The form as the visitor filled it in, for re-showing it (blank where nothing was given). */
function formValues(input: SearchInput) {
  return { q: input.q, genre: input.genre ?? '', instrument: input.instrument ?? '', bpmMin: input.bpmMin ?? '', bpmMax: input.bpmMax ?? '', key: input.key ?? '' };
}

function pageUrl(input: SearchInput, page: number): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(formValues(input))) if (value !== '') params.set(name, String(value));
  params.set('page', String(page));
  return `/search?${params.toString()}`;
}
