import type { Deps } from '../deps.js';
import { authorize, ValidationFailed } from '../web/errors.js';
import { canEditPost } from './policies.js';
import { setLookingFor } from './looking-for-queries.js';
import { updatePostDetails, type PostSummary } from './queries.js';
import type { PostInput } from './schemas.js';
import { findGenreBySlug, findInstrumentBySlug, lookingForIds } from './taxonomy.js';

/** The author changes the song's details; a blank BPM or key goes back to what the worker heard. */
export async function editPost(post: PostSummary, input: PostInput, { db, actor }: Pick<Deps, 'db'> & { actor: Express.User | undefined }): Promise<void> {
  authorize(canEditPost(actor, post));
  const [genre, instrument, lookingFor] = await Promise.all([findGenreBySlug(db, input.genre), findInstrumentBySlug(db, input.instrument), lookingForIds(db, input.lookingFor)]);
  const fields: Record<string, string> = {};
  if (!genre) fields.genre = 'Pick a genre from the list.';
  if (!instrument) fields.instrument = 'Pick an instrument from the list.';
  if (lookingFor === null) fields.lookingFor = 'Pick the instruments you are looking for from the list.';
  if (!genre || !instrument || lookingFor === null) throw new ValidationFailed(fields);
  await db.transaction(async (trx) => {
    await updatePostDetails(trx, post.id, { title: input.title, description: input.description, genre_id: genre.id, instrument_id: instrument.id, bpm: input.bpm ?? null, key: input.key ?? null });
    if (lookingFor) await setLookingFor(trx, post.id, lookingFor);
  });
}

/** The edit form's starting values: a detected BPM or key shows blank, so saving keeps it "detected". */
export function editFormValues(post: PostSummary) {
  return {
    title: post.title,
    description: post.description,
    genre: post.genre_slug,
    instrument: post.instrument_slug,
    bpm: post.bpm_source === 'author' && post.bpm !== null ? String(post.bpm) : '',
    key: post.key_source === 'author' && post.key !== null ? post.key : '',
  };
}
