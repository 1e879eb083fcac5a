import { z } from 'zod';
import { MUSICAL_KEYS } from '../posts/schemas.js';

const blankAsMissing = (v: unknown) => (v === '' || v === undefined || v === null ? undefined : v);
const bpm = (label: string) =>
  z.preprocess(blankAsMissing, z.coerce.number({ error: `${label} must be a number.` }).int(`${label} must be a whole number.`).min(20, `${label} must be at least 20.`).max(400, `${label} must be at most 400.`).optional());

/** The search form's query string. Genre and instrument arrive as slugs (checked against the lists by the route). */
export const searchSchema = z
  .object({
    q: z.preprocess((v) => (v === undefined ? '' : v), z.string({ error: 'Search for one piece of text.' }).trim().max(200, 'Search for at most 200 characters.')),
    genre: z.preprocess(blankAsMissing, z.string({ error: 'Pick one genre.' }).max(60).optional()),
    instrument: z.preprocess(blankAsMissing, z.string({ error: 'Pick one instrument.' }).max(60).optional()),
    bpmMin: bpm('Lowest BPM'),
    bpmMax: bpm('Highest BPM'),
    key: z.preprocess(blankAsMissing, z.enum(MUSICAL_KEYS, { error: 'Pick a key from the list.' }).optional()),
    page: z.preprocess(blankAsMissing, z.coerce.number({ error: 'Page must be a number.' }).int('Page must be a whole number.').min(1, 'Page must be at least 1.').max(10, 'Search shows at most 10 pages; add words to narrow it.').default(1)),
  })
  .refine((s) => s.bpmMin === undefined || s.bpmMax === undefined || s.bpmMin <= s.bpmMax, { message: 'Lowest BPM must not be above highest BPM.', path: ['bpmMin'] });
export type SearchInput = z.infer<typeof searchSchema>;

/**
 * The words as a tsquery of prefixes, each word kept to its letters and digits (so no tsquery
 * syntax gets through): "서울의 밤" → `서울의:* & 밤:*`. Null when no word is left.
 */
export function prefixQuery(words: string): string | null {
  const tokens = words
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
  return tokens.length ? tokens.map((t) => `${t}:*`).join(' & ') : null;
}
