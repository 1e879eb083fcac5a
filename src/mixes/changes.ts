import type { RecipeTrack } from './queries.js';

type Part = Pick<RecipeTrack, 'track_id' | 'musician' | 'instrument' | 'gain_db' | 'pan' | 'muted'>;

const who = (p: Part) => `${p.instrument.toLowerCase()} by ${p.musician}`;
const signed = (db: number) => `${db > 0 ? '+' : '−'}${Math.abs(Math.round(db * 10) / 10)} dB`;
const panText = (pan: number) => (Math.abs(pan) < 0.005 ? 'centre' : `${Math.round(Math.abs(pan) * 100)}% ${pan < 0 ? 'left' : 'right'}`);

/** Who plays on a version: the parts that are heard (muted ones are not credited). */
export function credits(recipe: readonly Part[]): string[] {
  return recipe.filter((p) => !p.muted).map((p) => `${p.instrument} — ${p.musician}`);
}

/**
 * How a version differs from the one before, in a musician's words:
 * "+ bass by bob", "− drums by carol", "drums by carol −2 dB", "bass by bob panned 40% left".
 */
export function describeChanges(previous: readonly Part[] | undefined, next: readonly Part[]): string[] {
  if (!previous) return ['First mix'];
  const audible = (parts: readonly Part[]) => new Map(parts.filter((p) => !p.muted && p.track_id).map((p) => [p.track_id!, p]));
  const before = audible(previous);
  const after = audible(next);
  const changes: string[] = [];
  for (const [id, p] of after) {
    const old = before.get(id);
    if (!old) {
      changes.push(`+ ${who(p)}`);
      continue;
    }
    const delta = p.gain_db - old.gain_db;
    if (Math.abs(delta) >= 0.05) changes.push(`${who(p)} ${signed(delta)}`);
    if (Math.abs(p.pan - old.pan) >= 0.005) changes.push(`${who(p)} panned ${panText(p.pan)}`);
  }
  for (const [id, p] of before) if (!after.has(id)) changes.push(`− ${who(p)}`);
  return changes.length ? changes : ['Same mix, rendered again'];
}
