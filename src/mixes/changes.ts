import type { RecipeTrack } from './queries.js';

type Part = Pick<RecipeTrack, 'track_id' | 'musician' | 'instrument' | 'gain_db' | 'pan' | 'muted'> & Partial<Pick<RecipeTrack, 'offset_ms' | 'withdrawn' | 'position'>>;

const who = (p: Part) => `${p.instrument.toLowerCase()} by ${p.musician}`;
const signed = (db: number) => `${db > 0 ? '+' : '−'}${Math.abs(Math.round(db * 10) / 10)} dB`;
const panText = (pan: number) => (Math.abs(pan) < 0.005 ? 'centre' : `${Math.round(Math.abs(pan) * 100)}% ${pan < 0 ? 'left' : 'right'}`);
const offsetText = (ms: number) => (ms === 0 ? 'back to 0 ms' : `${Math.abs(ms)} ms ${ms > 0 ? 'late' : 'early'}`);

/** Who plays on a version: the parts that are heard (muted ones are not credited). */
export function credits(recipe: readonly Part[]): string[] {
  return recipe.filter((p) => !p.muted).map((p) => `${p.instrument} — ${p.musician}`);
}

/**
 * How a version differs from the one before, in a musician's words:
 * "+ bass by bob", "− drums by carol", "drums by carol −2 dB", "bass by bob panned 40% left",
 * "bass by bob moved 120 ms late", and "− drums by carol (part withdrawn)" when the part was
 * deleted (its rows in older versions are marked withdrawn and have lost their track id).
 */
export function describeChanges(previous: readonly Part[] | undefined, next: readonly Part[]): string[] {
  if (!previous) return ['First mix'];
  const audible = (parts: readonly Part[]) =>
    new Map(parts.filter((p) => !p.muted && (p.track_id || p.withdrawn)).map((p) => [p.track_id ?? `withdrawn:${p.position}`, p]));
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
    if ((p.offset_ms ?? 0) !== (old.offset_ms ?? 0)) changes.push(`${who(p)} moved ${offsetText(p.offset_ms ?? 0)}`);
  }
  for (const [id, p] of before) if (!after.has(id)) changes.push(`− ${who(p)}${p.withdrawn ? ' (part withdrawn)' : ''}`);
  return changes.length ? changes : ['Same mix, rendered again'];
}
