import { z } from 'zod';

/** The longest comment, in characters (the table's check says the same). */
export const COMMENT_MAX_CHARS = 2000;

/**
 * A moment of a track as a musician types it: "1:02", "62", "1:02:03", "62.5"; null when
 * left empty. Seconds past 59 are fine alone ("90") but not after minutes ("1:75").
 */
export function parseMoment(text: string): number | null | 'invalid' {
  const s = text.trim();
  if (!s) return null;
  const m = /^(?:(?:(\d{1,2}):)?(\d{1,3}):)?(\d{1,5}(?:\.\d{1,3})?)$/.exec(s);
  if (!m) return 'invalid';
  const [, hours, minutes, seconds] = m;
  const sec = Number(seconds);
  if (minutes !== undefined && sec >= 60) return 'invalid';
  if (hours !== undefined && Number(minutes) >= 60) return 'invalid';
  return Math.round(((Number(hours ?? 0) * 60 + Number(minutes ?? 0)) * 60 + sec) * 1000);
}

/** "1:02", "1:02:03" for a moment in ms, as the comment's "at" label shows it. */
export function formatMoment(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

const optionalId = (what: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      if (!/^\d{1,15}$/.test(v)) {
        ctx.addIssue({ code: 'custom', message: `That ${what} does not exist.` });
        return z.NEVER;
      }
      return Number(v);
    });

/** The comment form: what was said, optionally when, on the song or one of its parts, or in reply. */
export const commentSchema = z.object({
  body: z
    .string({ error: 'Write something to comment.' })
    .trim()
    .min(1, 'Write something to comment.')
    .max(COMMENT_MAX_CHARS, `A comment can have at most ${COMMENT_MAX_CHARS} characters.`),
  at: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const ms = parseMoment(v ?? '');
      if (ms === 'invalid') {
        ctx.addIssue({ code: 'custom', message: 'Write the moment as minutes:seconds (1:02) or seconds (62).' });
        return z.NEVER;
      }
      return ms;
    }),
  contribution: optionalId('part'),
  parent: optionalId('comment'),
});
export type CommentInput = z.infer<typeof commentSchema>;
