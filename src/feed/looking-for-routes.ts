import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.js';
import type { LookingForFilter } from '../posts/looking-for-queries.js';
import { MUSICAL_KEYS } from '../posts/schemas.js';
import { listGenres, listInstruments, type TaxonomyRow } from '../posts/taxonomy.js';
import { requireUser } from '../web/auth-guard.js';
import { NotFound } from '../web/errors.js';
import { instrumentName, tOf } from '../posts/names.js';
import { renderList } from './list-page.js';
import { lookingForFilterSchema } from './schemas.js';
import { lookingForSongs, songsForMusician } from './sections.js';

const PAGE_SIZE = 20;

/** The filter form as typed, to show it again (and to carry it on the "older" link). */
function formQuery(query: Request['query']): URLSearchParams {
  const kept = new URLSearchParams();
  for (const name of ['genre', 'bpmMin', 'bpmMax', 'key'] as const) {
    const value = query[name];
    if (typeof value === 'string' && value !== '') kept.set(name, value);
  }
  return kept;
}

export function lookingForRoutes({ db }: Deps): Router {
  const router = Router();

  /**
   * Songs looking for `instrument` (any instrument when undefined), filtered by the GET form.
   * A filter that cannot be read (a BPM out of range, an unknown key or genre) answers 422
   * with the form and what to fix, and lists nothing: a list that silently ignored it would
   * look like an answer to the question asked.
   */
  async function renderLookingFor(req: Request, res: Response, instrument: TaxonomyRow | undefined, instruments: TaxonomyRow[]) {
    const genres = await listGenres(db);
    const t = tOf(res);
    const form = formQuery(req.query);
    const filtersView = (error: string | null) => ({
      action: req.path,
      values: Object.fromEntries(form),
      genres,
      keys: MUSICAL_KEYS,
      instruments: instruments.map((i) => ({ slug: i.slug, name: i.name, url: `/looking-for/${i.slug}`, current: i.id === instrument?.id })),
      error,
    });
    const heading = instrument
      ? { title: t('feed:looking_for.title', { instrument: instrumentName(t, instrument).toLowerCase() }), name: t('feed:looking_for.name', { instrument: instrumentName(t, instrument).toLowerCase() }), subtitle: t('feed:looking_for.subtitle') }
      : { title: t('feed:looking_for.any_title'), name: t('feed:looking_for.any_name'), subtitle: t('feed:looking_for.any_subtitle') };
    const parsed = lookingForFilterSchema.safeParse(req.query);
    const genre = parsed.success && parsed.data.genre !== undefined ? genres.find((g) => g.slug === parsed.data.genre) : undefined;
    const error = !parsed.success ? (parsed.error.issues[0]?.message ?? 'Those filters could not be read.') : parsed.data.genre !== undefined && !genre ? 'There is no such genre: pick one from the list.' : null;
    if (error || !parsed.success) {
      return renderList(db, req, res, { entries: [] }, { ...heading, empty: t('feed:looking_for.fix') }, { status: 422, locals: { filters: filtersView(error) } });
    }
    const filter: LookingForFilter = { genreId: genre?.id, bpmMin: parsed.data.bpmMin, bpmMax: parsed.data.bpmMax, key: parsed.data.key };
    const section = await req.shared(`looking-for:${JSON.stringify([instrument?.id ?? null, filter, req.query.before ?? null])}`, () => lookingForSongs(db, instrument ? [instrument.id] : undefined, filter, req.query.before, PAGE_SIZE));
    await renderList(db, req, res, section, { ...heading, empty: t('feed:looking_for.empty') }, { query: form, locals: { filters: filtersView(null) } });
  }

  router.get('/looking-for', async (req, res) => renderLookingFor(req, res, undefined, await listInstruments(db)));

  router.get('/looking-for/:instrument', async (req, res) => {
    const instruments = await listInstruments(db);
    const instrument = instruments.find((i) => i.slug === req.params.instrument);
    if (!instrument) throw new NotFound('There is no such instrument.');
    await renderLookingFor(req, res, instrument, instruments);
  });

  router.get('/for-you', requireUser, async (req, res) => {
    const section = await songsForMusician(db, req.user!.id, req.query.before, PAGE_SIZE);
    const t = tOf(res);
    await renderList(db, req, res, section, {
      title: t('feed:for_you.title'),
      name: t('feed:for_you.name'),
      subtitle: t('feed:for_you.subtitle'),
      empty: section.plays ? t('feed:for_you.empty') : t('feed:for_you.empty_no_instruments'),
    });
  });

  return router;
}
