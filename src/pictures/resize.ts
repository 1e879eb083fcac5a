import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { UnsupportedMediaType, ValidationFailed } from '../web/errors.js';
import { MAX_PICTURE_PIXELS, MIN_PICTURE_SIDE, PICTURE_KINDS, type PictureKind } from './kinds.js';

// libvips keeps recent operations and their pixels in a cache (50 MB by default) for re-use
// by later pipelines; each upload is decoded once, so the cache would only hold memory.
sharp.cache(false);

/** Formats a browser or phone exports. SVG is left out: it is a document that can name other files. */
const READABLE = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif', 'tiff']);
const FORMATS_SENTENCE = 'Upload a JPEG, PNG, WebP, GIF or AVIF picture.';

/** One decode or resize may take this long before it is stopped (a huge or hostile file). */
const PIPELINE_SECONDS = 30;

export interface PictureFile {
  buffer: Buffer;
  /** The uploader's name for it, for messages only. */
  originalName: string;
  /** The form field, for per-field messages. */
  field: string;
}

export interface RenderedSize {
  name: string;
  body: Buffer;
}

/**
 * Checks that a file is a picture by decoding it (never by its name or declared type) and
 * renders every size of `kind` as WebP, cropped from the centre. Orientation from EXIF is
 * applied first; then no metadata is written (sharp writes EXIF, GPS, XMP and ICC only when
 * asked to), so a phone photo's location never leaves the server.
 *
 * The source is decoded once, to the largest size, and the smaller sizes come from that.
 */
export async function renderPicture(kind: PictureKind, file: PictureFile): Promise<RenderedSize[]> {
  const name = `“${file.originalName}”`;
  let meta: Metadata;
  try {
    meta = await sharp(file.buffer).metadata();
  } catch {
    throw new UnsupportedMediaType(`{{name}} is not a picture we can read. ${FORMATS_SENTENCE}`, file.field).withParams({ name });
  }
  if (!meta.format || !READABLE.has(meta.format)) {
    const what = meta.format ? `{{name}} is a {{format}} file. ${FORMATS_SENTENCE}` : `{{name}} is not a picture we can read. ${FORMATS_SENTENCE}`;
    throw new UnsupportedMediaType(what, file.field).withParams({ name, format: (meta.format ?? '').toUpperCase() });
  }
  const { width = 0, height = 0 } = meta;
  if (width * height > MAX_PICTURE_PIXELS) {
    throw new ValidationFailed({ [file.field]: { message: '{{name}} is {{width}} × {{height}} pixels ({{mp}} MP); pictures can be at most {{max}} MP. Export it smaller.', params: { name, width, height, mp: megapixels(width * height), max: megapixels(MAX_PICTURE_PIXELS) } } });
  }
  if (Math.min(width, height) < MIN_PICTURE_SIDE) {
    throw new ValidationFailed({ [file.field]: { message: '{{name}} is only {{width}} × {{height}} pixels; a picture needs at least {{min}} pixels on each side.', params: { name, width, height, min: MIN_PICTURE_SIDE } } });
  }

  const sizes = [...PICTURE_KINDS[kind].sizes].sort((a, b) => b.width - a.width);
  const largest = sizes[0]!;
  let base: { data: Buffer; info: OutputInfo };
  try {
    base = await sharp(file.buffer, { limitInputPixels: MAX_PICTURE_PIXELS, failOn: 'error', sequentialRead: true })
      .timeout({ seconds: PIPELINE_SECONDS })
      .rotate()
      .resize(largest.width, largest.height, { fit: 'cover' })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new UnsupportedMediaType(`${name} could not be decoded (${shortReason(err)}). ${FORMATS_SENTENCE}`, file.field);
  }
  const raw = { width: base.info.width, height: base.info.height, channels: base.info.channels };
  return Promise.all(
    sizes.map(async (size) => ({
      name: size.name,
      body: await sharp(base.data, { raw })
        .resize(size.width, size.height, { fit: 'cover' })
        .webp({ quality: 82, effort: 4 })
        .toBuffer(),
    })),
  );
}

const megapixels = (pixels: number) => (pixels / 1e6).toFixed(pixels < 10e6 ? 1 : 0);

/** libvips' first line, without its internal prefix ("VipsJpeg: …"). */
function shortReason(err: unknown): string {
  const line = ((err as Error)?.message ?? 'unknown error').split('\n')[0]!;
  return line.replace(/^[A-Za-z]+: /, '').replace(/\.$/, '').slice(0, 120);
}
