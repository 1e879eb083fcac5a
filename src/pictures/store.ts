import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { deletePrefix, putObject, type Storage } from '../storage/s3.js';
import { pictureFolder, pictureKey, type PictureKind } from './kinds.js';
import { renderPicture, type PictureFile } from './resize.js';

/** A picture whose every size now sits in S3 under a fresh id. */
export interface StoredPicture {
  kind: PictureKind;
  id: string;
}

/**
 * Checks and resizes an uploaded picture and stores every size under a new id (never a name
 * the uploader chose). If a put fails, the sizes already written are removed before the
 * error goes on: the caller writes its row only after this returns.
 */
export async function storePicture({ storage, log }: { storage: Storage; log: Logger }, kind: PictureKind, file: PictureFile): Promise<StoredPicture> {
  const sizes = await renderPicture(kind, file);
  const id = randomUUID();
  try {
    // Immutable under this key: a new upload gets a new id, so browsers may cache it for good.
    await Promise.all(sizes.map((s) => putObject(storage, pictureKey(kind, id, s.name), s.body, 'image/webp', s.body.length)));
  } catch (err) {
    await deletePrefix(storage, pictureFolder(kind, id)).catch((cleanupErr: unknown) => log.warn({ err: cleanupErr, kind, pictureId: id }, 'could not remove the sizes of a picture that failed to store'));
    throw err;
  }
  return { kind, id };
}

/** Removes every size of a picture; a picture already gone is fine. */
export async function deletePicture(storage: Storage, picture: StoredPicture): Promise<void> {
  await deletePrefix(storage, pictureFolder(picture.kind, picture.id));
}
