import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import { checksCsrfItself, verifyUploadCsrf } from './csrf.js';
import { cleanFileName, nulError, nulField } from './clean-input.js';
import { BadRequest, HttpError, PayloadTooLarge } from './errors.js';

/** A picture file of a request, whole in memory (it is small, and sharp decodes it from there). */
export interface UploadedImage {
  buffer: Buffer;
  originalName: string;
  field: string;
}

export const imageTooLarge = (maxBytes: number, field: string) =>
  new PayloadTooLarge(`That picture is larger than ${Math.round(maxBytes / 1024 / 1024)} MB. Export a smaller JPEG, PNG or WebP (a couple of thousand pixels across is plenty).`, field);

/**
 * Reads the multipart field `field` of a picture upload into memory, up to `maxBytes`; the CSRF
 * token is checked when the file part begins, so a forged request is refused before reading it.
 * Nothing is stored here: the route stores the picture only once it has decoded it.
 */
export function receiveImage({ field, maxBytes }: { field: string; maxBytes: number }): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    defParamCharset: 'utf8',
    limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 64 * 1024, parts: 12 },
    fileFilter: (req, file, cb) => {
      try {
        verifyUploadCsrf(req);
        if (file.fieldname !== field) throw new BadRequest(`Unexpected file field "${file.fieldname}"; send the picture as "${field}".`);
        cb(null, true);
      } catch (err) {
        cb(err as Error);
      }
    },
  }).single(field);

  return checksCsrfItself((req, res, next) => {
    upload(req, res, (err?: unknown) => {
      if (err) return next(translate(err, maxBytes, field));
      try {
        if (!req.file) verifyUploadCsrf(req);
        const bad = nulField(req.body);
        if (bad !== undefined) throw nulError(bad);
      } catch (refused) {
        return next(refused);
      }
      next();
    });
  });
}

/** The picture a request sent in `field`, if any (receiveImage or receiveAudio's `image`). */
export function uploadedImage(req: Request, field: string): UploadedImage | undefined {
  const file = req.file?.fieldname === field ? req.file : (req.files as Record<string, Express.Multer.File[]> | undefined)?.[field]?.[0];
  if (!file?.buffer || file.size === 0) return undefined;
  return { buffer: file.buffer, originalName: cleanFileName(file.originalname).slice(0, 255) || 'picture', field };
}

/**
 * A multer storage engine for a picture beside another file: the picture is read into memory
 * and refused past `maxBytes` (multer's own fileSize limit is one figure for every file, and
 * the audio beside it may be far larger).
 */
export function imageInMemory(maxBytes: number): Pick<multer.StorageEngine, '_handleFile' | '_removeFile'> {
  return {
    _handleFile(_req, file, cb) {
      const chunks: Buffer[] = [];
      let size = 0;
      const stream = file.stream;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          stream.removeAllListeners('data');
          stream.resume();
          return cb(imageTooLarge(maxBytes, file.fieldname));
        }
        chunks.push(chunk);
      });
      stream.on('error', (err) => cb(err));
      stream.on('end', () => {
        if (size <= maxBytes) cb(null, { buffer: Buffer.concat(chunks), size });
      });
    },
    _removeFile(_req, file, cb) {
      delete (file as Partial<Express.Multer.File>).buffer;
      cb(null);
    },
  };
}

function translate(err: unknown, maxBytes: number, field: string): unknown {
  if (err instanceof HttpError) return err;
  if (err instanceof multer.MulterError) {
    if (err.code === 'LIMIT_FILE_SIZE') return imageTooLarge(maxBytes, field);
    if (err.code === 'LIMIT_UNEXPECTED_FILE') return new BadRequest(`Send one picture in the "${field}" field.`);
    return new BadRequest(`The upload was refused: ${err.message}.`);
  }
  const message = (err as Error | undefined)?.message ?? '';
  if (/^(Multipart: Boundary not found|Unexpected end of (form|file|multipart data)|Malformed part header)/i.test(message)) {
    return new BadRequest(`The upload was not a complete multipart form (${message.toLowerCase()}). Send it again from the page's form.`);
  }
  return err;
}
