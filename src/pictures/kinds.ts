/**
 * The three kinds of picture and the WebP sizes each is stored in (DESIGN §6:
 * `images/<kind>/<id>/<size>.webp`). Pages pick a size per place with `srcset`, so a phone
 * on a list never downloads the 1200 px art.
 */
export const PICTURE_KINDS = {
  /** A musician's face on their profile, cards and comments: square. */
  avatar: { sizes: [{ name: '64', width: 64, height: 64 }, { name: '192', width: 192, height: 192 }, { name: '512', width: 512, height: 512 }], label: 'avatar' },
  /** The wide banner on top of a profile, 3:1. */
  'profile-cover': { sizes: [{ name: '750x250', width: 750, height: 250 }, { name: '1500x500', width: 1500, height: 500 }], label: 'cover image' },
  /** A song's cover art on cards and the post page: square. */
  'song-cover': { sizes: [{ name: '300', width: 300, height: 300 }, { name: '600', width: 600, height: 600 }, { name: '1200', width: 1200, height: 1200 }], label: 'cover art' },
} as const;

export type PictureKind = keyof typeof PICTURE_KINDS;
export type PictureSize = (typeof PICTURE_KINDS)[PictureKind]['sizes'][number];

export const isPictureKind = (value: string): value is PictureKind => Object.hasOwn(PICTURE_KINDS, value);

export const pictureFolder = (kind: PictureKind, id: string) => `images/${kind}/${id}/`;
export const pictureKey = (kind: PictureKind, id: string, size: string) => `${pictureFolder(kind, id)}${size}.webp`;
/** The URL the app serves a stored size at (pictures/routes.ts). */
export const pictureUrl = (kind: PictureKind, id: string, size: string) => `/${pictureKey(kind, id, size)}`;

/**
 * Largest upload, in bytes. A phone photo is 2–12 MB; past this it is a scan or a RAW
 * export, which the musician can shrink before uploading.
 */
export const MAX_PICTURE_BYTES = 15 * 1024 * 1024;

/**
 * Largest decoded image, in pixels: 50 MP takes today's 48–50 MP phone cameras, and bounds the
 * memory one decode may need (a "decompression bomb" is a small file that claims far more
 * pixels). Checked from the header before decoding, and given to libvips as its own limit.
 */
export const MAX_PICTURE_PIXELS = 50_000_000;

/** Smaller than this on either side is an icon, not a picture anyone can see on a profile. */
export const MIN_PICTURE_SIDE = 64;
