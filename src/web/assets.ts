import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Maps a source asset name ("app.css", "player.js") to its fingerprinted URL, from the
 * manifest that scripts/build-client.mjs writes. Read once at start: the build is immutable.
 */
export function loadAssets(publicDir: string): (name: string) => string {
  let manifest: Record<string, string> = {};
  try {
    manifest = JSON.parse(readFileSync(path.join(publicDir, 'build', 'manifest.json'), 'utf8'));
  } catch {
    // No build yet: assets are missing, pages still render (npm start builds first).
  }
  return (name) => `/public/build/${manifest[name] ?? name}`;
}
