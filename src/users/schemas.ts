import { z } from 'zod';

/** The public handle in URLs: sign-up and the profile settings check it the same way. */
export const nicknameSchema = z
  .string()
  .trim()
  .min(3, 'Nickname needs at least 3 characters.')
  .max(30, 'Nickname can have at most 30 characters.')
  .regex(/^[A-Za-z0-9_-]+$/, 'Nickname can use letters, digits, _ and - only.');

export const BIO_MAX = 1000;
export const TAGS_MAX = 12;

/** A form's checkboxes arrive as nothing, one string, or an array of strings. */
const slugList = (what: string) =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.string().trim().min(1).max(60), { error: `Pick ${what} from the list.` }).max(TAGS_MAX, `Pick at most ${TAGS_MAX} ${what}.`),
  );

/** The profile settings form; instruments and genres arrive as taxonomy slugs. */
export const profileSchema = z.object({
  nickname: nicknameSchema,
  bio: z.string().trim().max(BIO_MAX, `Bio can have at most ${BIO_MAX} characters.`).default(''),
  instruments: slugList('instruments'),
  genres: slugList('genres'),
});
export type ProfileInput = z.infer<typeof profileSchema>;
