import type { Request, Response } from 'express';
import type { Db } from '../db/knex.js';
import { tOf } from '../posts/names.js';
import { sectionCards, type SectionPage } from './sections.js';

export interface ListHeading {
  title: string;
  name: string;
  subtitle?: string | undefined;
  /** Shown when the list is empty. */
  empty?: string | undefined;
}

/** A full list page (a section of the home, a genre, an instrument): cards and an "older" link. */
export async function renderList(db: Db, req: Request, res: Response, section: SectionPage, heading: ListHeading, extra: { query?: URLSearchParams; status?: number; locals?: Record<string, unknown> } = {}) {
  const [cards] = await sectionCards(db, [section], req.user, tOf(res), req.shared);
  const t = tOf(res);
  const first = req.query.before === undefined;
  const older = new URLSearchParams(extra.query);
  if (section.next) older.set('before', section.next);
  res.status(extra.status ?? 200).render('feed/list', {
    title: heading.title,
    heading: first ? heading.name : t('feed:list.older_heading', { name: heading.name }),
    subtitle: heading.subtitle ?? null,
    empty: heading.empty ?? t('feed:list.empty'),
    posts: cards,
    olderUrl: section.next ? `${req.path}?${older.toString()}` : null,
    filters: null,
    ...extra.locals,
  });
}
