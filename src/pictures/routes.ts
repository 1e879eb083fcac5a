import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import type { Deps } from '../deps.js';
import { getObject } from '../storage/s3.js';
import { NotFound } from '../web/errors.js';
import { isPictureKind, PICTURE_KINDS, pictureKey } from './kinds.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Stored pictures, through the app like audio (the bucket stays private). A key never
 * changes content (each upload gets a new id), so browsers and any CDN keep it for a year
 * without asking again; a removed picture's key simply answers 404.
 */
export function pictureRoutes({ storage }: Pick<Deps, 'storage'>): Router {
  const router = Router();

  router.get('/images/:kind/:id/:file', async (req, res) => {
    const { kind, id, file } = req.params;
    const size = /^([0-9x]{2,9})\.webp$/.exec(file)?.[1];
    if (!isPictureKind(kind) || !UUID.test(id) || !size || !PICTURE_KINDS[kind].sizes.some((s) => s.name === size)) throw new NotFound('There is no such picture.');
    let object;
    try {
      object = await getObject(storage, pictureKey(kind, id, size));
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey' || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) throw new NotFound('This picture was removed.');
      throw err;
    }
    res.set({ 'Content-Type': 'image/webp', 'Cache-Control': 'public, max-age=31536000, immutable' });
    if (object.ContentLength !== undefined) res.set('Content-Length', String(object.ContentLength));
    if (object.ETag) res.set('ETag', object.ETag);
    await pipeline(object.Body as Readable, res).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
    });
  });

  return router;
}
