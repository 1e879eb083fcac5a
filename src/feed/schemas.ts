import { z } from 'zod';
import { MUSICAL_KEYS } from '../posts/schemas.js';

const blankAsMissing = (v: unknown) => (v === '' || v === undefined || v === null ? undefined : v);
const bpm = (label: string) =>
  z.preprocess(blankAsMissing, z.coerce.number({ error: `${label} must be a number.` }).int(`${label} must be a whole number.`).min(20, `${label} must be at least 20.`).max(400, `${label} must be at most 400.`).optional());

/** The filters of a looking-for list (a GET form); the genre arrives as a slug, checked against the list by the route. */
export const lookingForFilterSchema = z
  .object({
    genre: z.preprocess(blankAsMissing, z.string({ error: 'Pick one genre.' }).max(60).optional()),
    bpmMin: bpm('Lowest BPM'),
    bpmMax: bpm('Highest BPM'),
    key: z.preprocess(blankAsMissing, z.enum(MUSICAL_KEYS, { error: 'Pick a key from the list.' }).optional()),
  })
  .refine((f) => f.bpmMin === undefined || f.bpmMax === undefined || f.bpmMin <= f.bpmMax, { message: 'Lowest BPM must not be above highest BPM.', path: ['bpmMin'] });
export type LookingForFilterInput = z.infer<typeof lookingForFilterSchema>;
