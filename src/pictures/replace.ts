import type { Logger } from 'pino';
import type { Storage } from '../storage/s3.js';
import type { PictureKind } from './kinds.js';
import type { PictureFile } from './resize.js';
import { deletePicture, storePicture, type StoredPicture } from './store.js';

/**
 * Puts a new picture in place of the old one, or removes it (`file` null). The new sizes are
 * stored first; `swap` writes the row (in the part that owns it) and returns the id it replaced.
 * If the row write fails the new sizes are removed; once it committed, the old ones are.
 */
export async function replacePicture(
  { storage, log }: { storage: Storage; log: Logger },
  kind: PictureKind,
  file: PictureFile | null,
  swap: (pictureId: string | null) => Promise<string | null>,
): Promise<StoredPicture | null> {
  const stored = file ? await storePicture({ storage, log }, kind, file) : null;
  let old: string | null;
  try {
    old = await swap(stored?.id ?? null);
  } catch (err) {
    if (stored) await discardPictures({ storage, log }, [stored]);
    throw err;
  }
  if (old) await discardPictures({ storage, log }, [{ kind, id: old }]);
  return stored;
}

/**
 * Deletes pictures whose rows are gone or never were. A failure leaves objects no row names:
 * logged with their ids for an operator, never failing the request that removed the row.
 */
export async function discardPictures({ storage, log }: { storage: Storage; log: Logger }, pictures: ReadonlyArray<StoredPicture>): Promise<void> {
  await Promise.all(
    pictures.map((p) => deletePicture(storage, p).catch((err: unknown) => log.warn({ err, kind: p.kind, pictureId: p.id }, 'could not remove the sizes of a picture'))),
  );
}
