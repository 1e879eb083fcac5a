/**
 * Object keys are built from server-made ids only (DESIGN §6), never from a user's file name.
 */
/** File name endings kept as the original's own (anything else is stored as .bin); the forms print them for the browser's check. */
export const AUDIO_EXTENSIONS: ReadonlySet<string> = new Set(['mp3', 'wav', 'flac', 'ogg', 'oga', 'opus', 'm4a', 'aac', 'aif', 'aiff', 'webm', 'wma']);

export const trackFolder = (trackId: string) => `tracks/${trackId}/`;

/** The uploaded file as it came; its extension only from a known list. */
export function originalKey(trackId: string, fileName: string): string {
  return `${trackFolder(trackId)}original.${audioExtension(fileName)}`;
}

export const streamKey = (trackId: string, ext: string) => `${trackFolder(trackId)}stream.${ext}`;
export const peaksKey = (trackId: string) => `${trackFolder(trackId)}peaks.json`;

export function audioExtension(fileName: string): string {
  const ext = fileName.toLowerCase().match(/\.([a-z0-9]{1,5})$/)?.[1];
  return ext && AUDIO_EXTENSIONS.has(ext) ? ext : 'bin';
}
