import { z } from 'zod';

export const MUSICAL_KEYS = ['C', 'C#', 'Db', 'D', 'D#', 'Eb', 'E', 'F', 'F#', 'Gb', 'G', 'G#', 'Ab', 'A', 'A#', 'Bb', 'B'].flatMap((n) => [`${n} major`, `${n} minor`]);

const optionalInt = (min: number, max: number, label: string) =>
  z.preprocess(
    (v) => (v === '' || v === undefined || v === null ? undefined : v),
    z.coerce.number({ error: `${label} must be a number.` }).int(`${label} must be a whole number.`).min(min, `${label} must be at least ${min}.`).max(max, `${label} must be at most ${max}.`).optional(),
  );

/** The post form (new and edit); genre and instrument arrive as slugs. */
export const postSchema = z.object({
  title: z.string().trim().min(1, 'Give your song a title.').max(120, 'Title can have at most 120 characters.'),
  description: z.string().trim().max(5000, 'Description can have at most 5000 characters.').default(''),
  genre: z.string().trim().min(1, 'Pick a genre.'),
  instrument: z.string().trim().min(1, 'Pick the instrument you play on this track.'),
  bpm: optionalInt(20, 400, 'BPM'),
  key: z.preprocess((v) => (v === '' ? undefined : v), z.enum(MUSICAL_KEYS, { error: 'Pick a key from the list.' }).optional()),
  /**
   * The instruments the song still needs, as slugs (checkboxes). The forms always send an empty
   * one first, so "none ticked" clears the list; a request without the field leaves it as it is.
   */
  lookingFor: z.preprocess(
    (v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).filter((s) => s !== '')),
    z.array(z.string({ error: 'Pick instruments from the list.' }).max(60), { error: 'Pick instruments from the list.' }).max(30, 'Pick at most 30 instruments.').optional(),
  ),
});
export type PostInput = z.infer<typeof postSchema>;
