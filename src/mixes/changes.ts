import type { TFunction } from 'i18next';
import { instrumentNamed, tEnglish } from '../posts/names.js';
import type { RecipeTrack } from './queries.js';

type Part = Pick<RecipeTrack, 'track_id' | 'musician' | 'instrument' | 'gain_db' | 'pan' | 'muted'> & Partial<Pick<RecipeTrack, 'offset_ms' | 'withdrawn' | 'position'>>;

// The recipe keeps the instrument's name as it was saved (English, from the seeded rows).
const who = (t: TFunction, p: Part) => t('mixes:changes.who', { instrument: instrumentNamed(t, p.instrument).toLowerCase(), musician: p.musician });
const signed = (db: number) => `${db > 0 ? '+' : '−'}${Math.abs(Math.round(db * 10) / 10)} dB`;
const panText = (t: TFunction, pan: number) => (Math.abs(pan) < 0.005 ? t('mixes:changes.centre') : t(pan < 0 ? 'mixes:changes.left' : 'mixes:changes.right', { percent: Math.round(Math.abs(pan) * 100) }));
const offsetText = (t: TFunction, ms: number) => (ms === 0 ? t('mixes:changes.back_to_zero') : t(ms > 0 ? 'mixes:changes.late' : 'mixes:changes.early', { ms: Math.abs(ms) }));

/** Who plays on a version: the parts that are heard (muted ones are not credited). */
export function credits(recipe: readonly Part[], t: TFunction = tEnglish()): string[] {
  return recipe.filter((p) => !p.muted).map((p) => `${instrumentNamed(t, p.instrument)} — ${p.musician}`);
}

/**
 * How a version differs from the one before, in a musician's words:
 * "+ bass by bob", "− drums by carol", "drums by carol −2 dB", "bass by bob panned 40% left",
 * "bass by bob moved 120 ms late", and "− drums by carol (part withdrawn)" when the part was
 * deleted (its rows in older versions are marked withdrawn and have lost their track id).
 */
export function describeChanges(previous: readonly Part[] | undefined, next: readonly Part[], t: TFunction = tEnglish()): string[] {
  if (!previous) return [t('mixes:changes.first')];
  const audible = (parts: readonly Part[]) =>
    new Map(parts.filter((p) => !p.muted && (p.track_id || p.withdrawn)).map((p) => [p.track_id ?? `withdrawn:${p.position}`, p]));
  const before = audible(previous);
  const after = audible(next);
  const changes: string[] = [];
  for (const [id, p] of after) {
    const old = before.get(id);
    if (!old) {
      changes.push(`+ ${who(t, p)}`);
      continue;
    }
    const delta = p.gain_db - old.gain_db;
    if (Math.abs(delta) >= 0.05) changes.push(`${who(t, p)} ${signed(delta)}`);
    if (Math.abs(p.pan - old.pan) >= 0.005) changes.push(t('mixes:changes.panned', { who: who(t, p), pan: panText(t, p.pan) }));
    if ((p.offset_ms ?? 0) !== (old.offset_ms ?? 0)) changes.push(t('mixes:changes.moved', { who: who(t, p), offset: offsetText(t, p.offset_ms ?? 0) }));
  }
  for (const [id, p] of before) if (!after.has(id)) changes.push(`− ${who(t, p)}${p.withdrawn ? ` ${t('mixes:changes.withdrawn')}` : ''}`);
  return changes.length ? changes : [t('mixes:changes.same')];
}
