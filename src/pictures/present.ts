import { generatedAvatar, generatedProfileCover, generatedSongCover } from './generated.js';
import { PICTURE_KINDS, pictureUrl, type PictureKind } from './kinds.js';

/** What a view prints in an <img>: the smallest fitting size by `srcset`, or a drawn stand-in. */
export interface PictureView {
  src: string;
  /** `url 300w, url 600w, …`, or null for a generated picture (one SVG fits every size). */
  srcset: string | null;
  generated: boolean;
}

function stored(kind: PictureKind, id: string, fallbackSize: string): PictureView {
  const sizes = PICTURE_KINDS[kind].sizes;
  return { src: pictureUrl(kind, id, fallbackSize), srcset: sizes.map((s) => `${pictureUrl(kind, id, s.name)} ${s.width}w`).join(', '), generated: false };
}

const drawn = (src: string): PictureView => ({ src, srcset: null, generated: true });

export function songCoverView(song: { coverPictureId: string | null; title: string; genre: string }): PictureView {
  return song.coverPictureId ? stored('song-cover', song.coverPictureId, '600') : drawn(generatedSongCover(song.title, song.genre));
}

export function avatarView(person: { avatarPictureId: string | null; nickname: string }): PictureView {
  return person.avatarPictureId ? stored('avatar', person.avatarPictureId, '192') : drawn(generatedAvatar(person.nickname));
}

export function profileCoverView(person: { coverPictureId: string | null; nickname: string }): PictureView {
  return person.coverPictureId ? stored('profile-cover', person.coverPictureId, '1500x500') : drawn(generatedProfileCover(person.nickname));
}
