import type { Db } from '../db/knex.js';
import { listGenres, listInstruments, type TaxonomyRow } from '../posts/taxonomy.js';
import { ValidationFailed, type FieldErrors } from '../web/errors.js';
import { nicknameHeldByOther, rememberOldNickname, replaceMusicianTags, updateNicknameAndBio } from './profile-queries.js';
import type { ProfileInput } from './schemas.js';

const TAKEN = 'This nickname is taken. Try another.';

/**
 * A musician edits their own profile: nickname, bio, what they play and which genres.
 * A new nickname must be free: not anyone else's now, and not a name someone else gave up
 * (their old links keep finding them). The old one is remembered in the same transaction, so
 * /users/<old> never answers 404 in between.
 */
export async function editProfile(actor: Express.User, input: ProfileInput, { db }: { db: Db }): Promise<void> {
  const [instruments, genres] = await Promise.all([listInstruments(db), listGenres(db)]);
  const fields: FieldErrors = {};
  const instrumentIds = idsOf(instruments, input.instruments, () => (fields.instruments = 'Pick instruments from the list.'));
  const genreIds = idsOf(genres, input.genres, () => (fields.genres = 'Pick genres from the list.'));
  const renamed = input.nickname !== actor.nickname;
  if (renamed && (await nicknameHeldByOther(db, input.nickname, actor.id))) fields.nickname = TAKEN;
  if (Object.keys(fields).length) throw new ValidationFailed(fields);
  try {
    await db.transaction(async (trx) => {
      await updateNicknameAndBio(trx, actor.id, { nickname: input.nickname, bio: input.bio });
      // A change of case only ("alice" → "Alice") keeps the same URL: nothing to remember.
      if (input.nickname.toLowerCase() !== actor.nickname.toLowerCase()) await rememberOldNickname(trx, actor.id, actor.nickname, input.nickname);
      await replaceMusicianTags(trx, actor.id, { instrumentIds, genreIds });
    });
  } catch (err) {
    // Two musicians racing for the same name: the unique index decides.
    if ((err as { code?: string }).code === '23505') throw new ValidationFailed({ nickname: TAKEN });
    throw err;
  }
}

/** The ids of the chosen slugs, each once; an unknown slug calls `unknown`. */
function idsOf(list: TaxonomyRow[], slugs: string[], unknown: () => void): number[] {
  const bySlug = new Map(list.map((t) => [t.slug, t.id]));
  const ids = new Set<number>();
  for (const slug of slugs) {
    const id = bySlug.get(slug);
    if (id === undefined) unknown();
    else ids.add(id);
  }
  return [...ids];
}
