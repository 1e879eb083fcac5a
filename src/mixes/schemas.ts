import { MIX_TRACKS_MAX } from '../contributions/mix-membership.js';
import { z } from 'zod';

/** One track's place in the mix as the mixer sends it. */
const trackSetting = z.object({
  trackId: z.uuid('Unknown track.'),
  gainDb: z.coerce.number().min(-24, 'Gain can go down to −24 dB (or mute the track).').max(12, 'Gain can go up to +12 dB.'),
  pan: z.coerce.number().min(-1, 'Pan goes from −1 (left) to 1 (right).').max(1, 'Pan goes from −1 (left) to 1 (right).'),
  muted: z.preprocess((v) => v === true || v === 'true' || v === 'on' || v === '1', z.boolean()),
  /** Milliseconds the track starts after (+) or before (−) the song's 0:00; absent keeps the part's proposed offset. */
  /** In (true) or out (false) of the mix, as the author set it in the mixer; absent keeps the part where it is. */
  included: z.boolean({ error: '"included" is true or false.' }).optional(),
  offsetMs: z.coerce.number().int('Offsets are whole milliseconds.').min(-5000, 'An offset can be at most 5000 ms early.').max(5000, 'An offset can be at most 5000 ms late.').optional(),
});

/** The recipe as JSON from the mixer; add a per-track setting in `trackSetting` above. */
export const saveMixSchema = z.object(
  {
    tracks: z
      .array(trackSetting, { error: 'Send "tracks" as a list of { trackId, gainDb, pan, muted }.' })
      .max(MIX_TRACKS_MAX, `A mix can have at most ${MIX_TRACKS_MAX} tracks.`),
  },
  { error: 'Send the mix as a JSON object with a "tracks" list.' },
);
export type SaveMixInput = z.infer<typeof saveMixSchema>;

/**
 * The no-JavaScript form sends `gain:<trackId>`, `pan:<trackId>`, `muted:<trackId>`,
 * `offset:<trackId>` fields; only urlencoded bodies come here (JSON goes straight to saveMixSchema).
 */
export function settingsFromForm(body: Record<string, unknown>): unknown {
  const ids = new Set(Object.keys(body).filter((k) => k.startsWith('gain:')).map((k) => k.slice(5)));
  return { tracks: [...ids].map((id) => ({ trackId: id, gainDb: body[`gain:${id}`], pan: body[`pan:${id}`] ?? 0, muted: body[`muted:${id}`] ?? false, offsetMs: body[`offset:${id}`] })) };
}
