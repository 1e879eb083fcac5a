import type { Deps } from '../deps.js';
import { replacePicture } from '../pictures/replace.js';
import type { UploadedImage } from '../web/image-upload.js';
import { authorize } from '../web/errors.js';
import { canEditPost } from './policies.js';
import { swapPostCover, type PostSummary } from './queries.js';

/**
 * The author puts new cover art on a song (or takes it off: `image` null, and the song shows
 * its generated cover again). The new sizes are stored before the row names them; the old
 * ones are deleted once it does.
 */
export async function changeSongCover(post: PostSummary, image: UploadedImage | null, deps: Pick<Deps, 'db' | 'storage' | 'log'> & { actor: Express.User | undefined }): Promise<void> {
  authorize(canEditPost(deps.actor, post));
  const stored = await replacePicture(deps, 'song-cover', image, (pictureId) => swapPostCover(deps.db, post.id, pictureId));
  deps.log.info({ postId: post.id, pictureId: stored?.id ?? null }, stored ? 'song cover changed' : 'song cover removed');
}
