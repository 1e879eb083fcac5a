import type { FieldErrors } from '../web/errors.js';
import type { Response } from 'express';
import type { Deps } from '../deps.js';
import { MAX_PICTURE_BYTES } from '../pictures/kinds.js';
import { songCoverView } from '../pictures/present.js';
import type { PostSummary } from './queries.js';
import { tOf } from './names.js';
import { MUSICAL_KEYS } from './schemas.js';
import { lookingForOf } from './looking-for-queries.js';
import { listGenres, listInstruments, ticked } from './taxonomy.js';

/** The song's edit page: its details form and its cover art form (each may come back with errors). */
export async function renderEditPage({ db }: Pick<Deps, 'db'>, res: Response, status: number, post: PostSummary, values: Record<string, unknown>, errors: FieldErrors): Promise<void> {
  const [genres, instruments, lookingFor] = await Promise.all([listGenres(db), listInstruments(db), lookingForOf(db, [post.id])]);
  // The form sent back keeps what was ticked; a fresh one shows what the song looks for now.
  const ticks = values.lookingFor !== undefined ? ticked(values.lookingFor) : (lookingFor.get(post.id) ?? []).map((i) => i.slug);
  res.status(status).render('posts/edit', {
    title: tOf(res)('posts:edit.page_title', { title: post.title }),
    postId: post.id,
    postTitle: post.title,
    values: { ...values, lookingFor: ticks },
    errors,
    genres,
    instruments,
    keys: MUSICAL_KEYS,
    cover: { ...songCoverView({ coverPictureId: post.cover_picture_id, title: post.title, genre: post.genre_name }), uploaded: post.cover_picture_id !== null },
    maxPictureMb: MAX_PICTURE_BYTES / 1024 / 1024,
  });
}
