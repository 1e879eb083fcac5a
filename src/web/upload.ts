import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import multerS3 from 'multer-s3';
import { checksCsrfItself, verifyUploadCsrf } from './csrf.js';
import { cleanFileName, nulError, nulField } from './clean-input.js';
import { BadRequest, HttpError, PayloadTooLarge } from './errors.js';
import { imageInMemory } from './image-upload.js';
import { deletePrefix, type Storage } from '../storage/s3.js';
import { AUDIO_EXTENSIONS, originalKey, trackFolder } from '../storage/keys.js';

/** The audio file of a request, as it now sits in S3 under a fresh track id. */
export interface UploadedAudio {
  trackId: string;
  key: string;
  originalName: string;
  contentType: string;
  bytes: number;
}

/**
 * Streams the multipart field `field` straight to S3 (multer-s3: never whole in memory or
 * on disk). The CSRF token is checked when the file part begins, so a forged request
 * writes nothing. On any failure every object the request started is deleted.
 */
export function receiveAudio(
  storage: Storage,
  {
    field,
    maxBytes,
    reserve,
    image,
  }: {
    field: string;
    maxBytes: number;
    /** Records the track id before any byte is stored (see src/tracks/pending-uploads.ts). */
    reserve: (trackId: string) => Promise<void>;
    image?: { field: string; maxBytes: number };
  },
): RequestHandler {
  const audioStorage = multerS3({
    s3: storage.client,
    bucket: storage.bucket,
    contentType: (_req, file, cb) => cb(null, file.mimetype.startsWith('audio/') ? file.mimetype : 'application/octet-stream'),
    key: (req, file, cb) => {
      const trackId = randomUUID();
      (req.uploadTrackIds ??= []).push(trackId);
      reserve(trackId).then(() => cb(null, originalKey(trackId, file.originalname)), cb);
    },
  });
  // An optional picture beside the audio (a song's cover art) is read into memory, capped at
  // its own size; the route decodes and stores it (web/image-upload.ts).
  const pictureStorage = image ? imageInMemory(image.maxBytes) : undefined;
  const engineFor = (file: Express.Multer.File) => (pictureStorage && file.fieldname === image?.field ? pictureStorage : audioStorage);
  const storageEngine: multer.StorageEngine = {
    _handleFile: (req, file, cb) => engineFor(file)._handleFile(req, file, cb),
    _removeFile: (req, file, cb) => engineFor(file)._removeFile(req, file, cb),
  };
  const fileFields = [{ name: field, maxCount: 1 }, ...(image ? [{ name: image.field, maxCount: 1 }] : [])];
  const upload = multer({
    storage: storageEngine,
    // Browsers send UTF-8 file names without saying so; busboy's default would garble them.
    defParamCharset: 'utf8',
    limits: { fileSize: maxBytes, files: fileFields.length, fields: 30, fieldSize: 64 * 1024, parts: 40 },
    fileFilter: (req, file, cb) => {
      try {
        verifyUploadCsrf(req);
        if (!fileFields.some((f) => f.name === file.fieldname)) throw new BadRequest(`Unexpected file field "${file.fieldname}"; send the audio as "${field}".`);
        cb(null, true);
      } catch (err) {
        cb(err as Error);
      }
    },
  }).fields(fileFields);

  const limitMb = Math.round(maxBytes / 1024 / 1024);
  return checksCsrfItself((req, res, next) => {
    upload(req, res, (err?: unknown) => {
      // The rest of the app reads the audio as req.file, as with a single-file form.
      const files = req.files as Record<string, Express.Multer.File[]> | undefined;
      if (files?.[field]?.[0]) req.file = files[field][0];
      if (!err) {
        try {
          // A request without a file never reached fileFilter: check its token now.
          if (!req.file) verifyUploadCsrf(req);
          // The text fields arrive only now, after the body parsers' NUL check has run.
          const field = nulField(req.body);
          if (field !== undefined) throw nulError(field);
        } catch (refused) {
          return void discardUpload(storage, req).finally(() => next(refused));
        }
        return next();
      }
      void discardUpload(storage, req).finally(() => next(translate(err, limitMb)));
    });
  });
}

/**
 * What an audio form prints as data attributes (`data-max-bytes`, `data-extensions`), so the
 * browser refuses a file the server would refuse before sending a byte (client/upload-file.ts).
 */
export function audioUploadLimits(maxBytes: number): { maxBytes: number; maxMb: number; extensions: string } {
  return { maxBytes, maxMb: Math.round(maxBytes / 1024 / 1024), extensions: [...AUDIO_EXTENSIONS].join(',') };
}

/** The S3 object of a request's file, or undefined when none was sent. */
export function uploadedAudio(req: Request): UploadedAudio | undefined {
  const file = req.file as (Express.Multer.File & Express.MulterS3.File) | undefined;
  const trackId = req.uploadTrackIds?.at(-1);
  if (!file || !trackId) return undefined;
  return { trackId, key: file.key, originalName: cleanFileName(file.originalname).slice(0, 255) || 'audio', contentType: file.contentType, bytes: file.size };
}

/** Removes everything the request wrote to S3 (call when the request fails after upload). */
export async function discardUpload(storage: Storage, req: Request): Promise<void> {
  // A failed delete leaves an object without a row: say which, so an operator can remove it.
  await Promise.all(
    (req.uploadTrackIds ?? []).map((trackId) =>
      deletePrefix(storage, trackFolder(trackId)).catch((err: unknown) => req.log.warn({ err, trackId }, 'could not remove the objects of a refused upload')),
    ),
  );
}

function translate(err: unknown, limitMb: number): unknown {
  if (err instanceof HttpError) return err;
  if (err instanceof multer.MulterError) {
    if (err.code === 'LIMIT_FILE_SIZE') return new PayloadTooLarge('That file is larger than {{limitMb}} MB. Export a compressed file (MP3, AAC, FLAC) or a shorter take.').withParams({ limitMb });
    if (err.code === 'LIMIT_UNEXPECTED_FILE') return new BadRequest('Send one audio file in the "audio" field.');
    return new BadRequest(`The upload was refused: ${err.message}.`);
  }
  // busboy's own complaints about the body: no boundary, a boundary the body never uses,
  // a body cut off before its closing boundary, a broken part header.
  const message = (err as Error | undefined)?.message ?? '';
  if (/^(Multipart: Boundary not found|Unexpected end of (form|file|multipart data)|Malformed part header)/i.test(message)) {
    return new BadRequest(`The upload was not a complete multipart form (${message.toLowerCase()}). Send it again from the page's form.`);
  }
  return err;
}
