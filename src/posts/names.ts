import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Response } from 'express';
import type { TFunction } from 'i18next';
import { formatDate, formatDateTime, timeAgo } from '../web/format.js';
import { localesDir, tFor, toLanguage } from '../web/i18n.js';

/** The translation function of the reader of this response (English where none was set, as in a bare test app). */
export const tOf = (res: Response): TFunction => (res.locals.t as TFunction | undefined) ?? tFor('en');

/** English for view-models built outside a request (tests, mails): the same text as before translation. */
export const tEnglish = (): TFunction => tFor('en');

interface Named {
  slug: string;
  name: string;
}

// Genres and instruments are rows seeded in English; locales/<lng>/taxonomy.json names them by
// slug, and a slug it lacks (a row added later) shows the database's name.
export const genreName = (t: TFunction, g: Named): string => t(`taxonomy:genre.${g.slug}`, { defaultValue: g.name });
export const instrumentName = (t: TFunction, i: Named): string => t(`taxonomy:instrument.${i.slug}`, { defaultValue: i.name });

// Seeded English names by slug, to name a snapshot that kept only the name (a mix recipe).
const englishInstruments = new Map(
  Object.entries((JSON.parse(readFileSync(path.join(localesDir, 'en', 'taxonomy.json'), 'utf8')) as { instrument: Record<string, string> }).instrument).map(([slug, name]) => [name, slug]),
);

/** An instrument known only by its English name (a recipe's snapshot) in the reader's language. */
export const instrumentNamed = (t: TFunction, name: string): string => {
  const slug = englishInstruments.get(name);
  return slug ? instrumentName(t, { slug, name }) : name;
};

/** The language a translation function speaks (i18next's fixed t carries it). */
const languageOf = (t: TFunction): string => (t as unknown as { lng?: string }).lng ?? 'en';

/** "2 Dec 2026" in English; the reader's own way elsewhere ("2026년 12월 2일"). */
export const dateFor = (t: TFunction, date: Date): string => formatDate(date, toLanguage(languageOf(t)) ?? 'en');

/** "3 minutes ago" in English; the reader's own words elsewhere ("3분 전"). */
export const agoFor = (t: TFunction, date: Date, now = new Date()): string => timeAgo(date, toLanguage(languageOf(t)) ?? 'en', now);

/** "1 Dec 2026, 21:40 UTC" in English; "2026년 12월 1일 21:40 UTC" elsewhere. */
export const dateTimeFor = (t: TFunction, date: Date): string => formatDateTime(date, toLanguage(languageOf(t)) ?? 'en');

/** A musical key ("Db major") in the reader's words ("D♭ 장조"), as views/partials/key-name.ejs prints it. */
export function keyName(t: TFunction, key: string): string {
  const [note = key, mode] = key.split(' ');
  if (mode !== 'major' && mode !== 'minor') return key;
  return t(`cards:key.${mode}`, { note: languageOf(t) === 'en' ? note : note.replace(/^([A-G])b$/, '$1♭') });
}
