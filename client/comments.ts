/**
 * Comments on the post page without a reload, and their moments: each timed comment is a
 * marker on its track's lane in the mixer, and its "at 1:02" link plays from there, like the
 * marker, in the mixer when the track is in it, else in the site's player. Without
 * JavaScript the forms post and come back, and the link opens the track at that moment.
 */
import { csrfToken } from './csrf.js';
import { formatTime } from './mixer-data.js';
import type { MixerUi } from './mixer-ui.js';
import { playFromButton, positionOfButton } from './player.js';
import { audioFocus } from './player-focus.js';
import { t as tr } from './i18n.js';

interface Moment {
  ms: number;
  /** The mixer track whose lane shows it (a song comment: the author track). */
  trackId: string;
  /** A part's moment is on its own recording, so the mixer adds the part's offset; a song's is on the timeline. */
  scope: 'song' | 'part';
  /** The play button whose recording the site's player plays it on when the mixer does not. */
  audio: string;
}

function momentOf(el: HTMLElement): Moment | null {
  const ms = Number(el.dataset.seekMs);
  if (!Number.isFinite(ms) || !el.dataset.seekTrack) return null;
  return { ms, trackId: el.dataset.seekTrack, scope: el.dataset.seekScope === 'part' ? 'part' : 'song', audio: el.dataset.seekAudio ?? '' };
}

/** The mixer's track for a moment, when it is there and can play. */
function mixerTrack(ui: MixerUi | null, trackId: string) {
  if (!ui || ui.state === 'error' || ui.state === 'loading') return null;
  return ui.tracks.find((t) => t.trackId === trackId) ?? null;
}

async function playAt(ui: MixerUi | null, m: Moment): Promise<void> {
  const t = mixerTrack(ui, m.trackId);
  if (ui && t) {
    ui.seek(m.ms / 1000 + (m.scope === 'part' ? t.offsetMs / 1000 : 0));
    if (!ui.engine.isPlaying) await ui.togglePlay();
    return;
  }
  playFromButton(m.audio, m.ms / 1000); // the site's player; it pauses the mixer as it starts
}

/** Where the listener is now, in the form's track's own time, in seconds. */
function currentMoment(ui: MixerUi | null, button: HTMLElement): number {
  const heard = positionOfButton(button.dataset.momentAudio ?? '');
  if (heard !== null && audioFocus() === 'player') return heard;
  const t = mixerTrack(ui, button.dataset.momentTrack ?? '');
  if (ui && t && (ui.engine.isPlaying || ui.engine.position() > 0)) return Math.max(0, ui.engine.position() - (button.dataset.momentScope === 'part' ? t.offsetMs / 1000 : 0));
  return heard ?? 0;
}

/** One marker per timed comment, on its track's lane; placed by CSS (--at-s, --offset-s, --duration-s). */
export function drawCommentMarkers(ui: MixerUi | null): void {
  if (!ui) return;
  for (const old of ui.root.querySelectorAll('.comment-marker')) old.remove();
  for (const link of document.querySelectorAll<HTMLAnchorElement>('a.comment-at[data-seek-ms]')) {
    const m = momentOf(link);
    const t = m && ui.tracks.find((x) => x.trackId === m.trackId);
    if (!m || !t) continue;
    const marker = document.createElement('button');
    marker.type = 'button';
    marker.className = `comment-marker${m.scope === 'song' ? ' on-timeline' : ''}`;
    marker.style.setProperty('--at-s', String(m.ms / 1000));
    marker.dataset.seekMs = String(m.ms);
    marker.dataset.seekTrack = m.trackId;
    marker.dataset.seekScope = m.scope;
    marker.dataset.seekAudio = m.audio;
    marker.dataset.commentId = link.closest<HTMLElement>('[data-comment]')?.dataset.comment ?? '';
    const label = link.dataset.markerLabel ?? tr('comments.marker_label', { time: formatTime(m.ms / 1000) });
    marker.setAttribute('aria-label', tr('comments.marker_play', { label }));
    marker.title = label;
    // A press on the marker is not a seek or a drag of the lane under it.
    marker.addEventListener('pointerdown', (event) => event.stopPropagation());
    marker.addEventListener('keydown', (event) => event.stopPropagation());
    t.view.lane.append(marker);
  }
}

function showErrors(form: HTMLFormElement, fields: Record<string, string>, message: string): void {
  for (const p of form.querySelectorAll<HTMLElement>('[data-error-for]')) {
    const text = fields[p.dataset.errorFor!] ?? '';
    p.textContent = text;
    p.hidden = !text;
    form.querySelector(`[name="${p.dataset.errorFor}"]`)?.toggleAttribute('aria-invalid', Boolean(text));
  }
  const known = new Set([...form.querySelectorAll<HTMLElement>('[data-error-for]')].map((p) => p.dataset.errorFor));
  const other = Object.entries(fields).find(([name]) => !known.has(name) || name === 'form')?.[1];
  const general = form.querySelector<HTMLElement>('[data-error-for="form"]');
  if (general && (other || !Object.keys(fields).length)) {
    general.textContent = other ?? message;
    general.hidden = false;
  }
}

const fragment = (html: string) => document.createRange().createContextualFragment(html);

async function post(form: HTMLFormElement): Promise<Response> {
  const body = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (k !== '_csrf' && typeof v === 'string') body.append(k, v);
  return fetch(form.action, { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': csrfToken() }, body });
}

async function sendComment(ui: MixerUi | null, form: HTMLFormElement): Promise<void> {
  const res = await post(form);
  const body = (await res.json()) as { html?: string; error?: { message?: string; fields?: Record<string, string> } };
  if (res.status === 422) return showErrors(form, body.error?.fields ?? {}, body.error?.message ?? tr('comments.refused'));
  if (!res.ok || !body.html) throw new Error(String(res.status));
  showErrors(form, {}, '');
  const thread = form.closest('li.comment');
  const made = fragment(body.html);
  if (thread) thread.querySelector(':scope > [data-replies]')?.append(made);
  else form.closest('[data-comments]')?.querySelector('[data-comment-list]')?.prepend(made);
  form.reset();
  const details = form.closest('details');
  if (details) details.open = false;
  drawCommentMarkers(ui);
}

async function deleteComment(ui: MixerUi | null, form: HTMLFormElement): Promise<void> {
  const res = await post(form);
  if (!res.ok) throw new Error(String(res.status));
  const outcome = (await res.json()) as { kind: 'removed'; removedIds: number[] } | { kind: 'placeholder' };
  const li = form.closest<HTMLElement>('li.comment');
  if (outcome.kind === 'removed') for (const id of outcome.removedIds) document.getElementById(`comment-${id}`)?.remove();
  else if (li) {
    // What the page shows after a reload: the words go, the replies stay under a placeholder.
    for (const el of li.querySelectorAll(':scope > .comment-head, :scope > .comment-body, :scope > .comment-delete, :scope > .comment-reply')) el.remove();
    const note = document.createElement('p');
    note.className = 'comment-deleted muted small';
    note.textContent = tr('comments.deleted');
    li.prepend(note);
    li.classList.add('is-deleted');
  }
  drawCommentMarkers(ui);
}

export function startComments(ui: MixerUi | null, signal: AbortSignal): void {
  document.addEventListener('click', (event) => {
    const target = (event.target as Element).closest<HTMLElement>('[data-seek-ms]');
    const m = target && momentOf(target);
    if (m) {
      event.preventDefault();
      void playAt(ui, m);
      return;
    }
    const now = (event.target as Element).closest<HTMLElement>('[data-at-now]');
    const input = now?.closest('form')?.querySelector<HTMLInputElement>('input[name="at"]');
    if (now && input) input.value = formatTime(currentMoment(ui, now));
  }, { signal });
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-at-now]')) button.hidden = false;

  // On any failure the form is posted the ordinary way, so the server's answer is what shows.
  document.addEventListener('submit', (event) => {
    const form = event.target as HTMLFormElement;
    const isComment = form.matches('form[data-comment-form]');
    if (!isComment && !form.matches('form[data-comment-delete]')) return;
    event.preventDefault();
    if (!isComment && !window.confirm(tr('comments.confirm_delete'))) return;
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (button) button.disabled = true;
    void (isComment ? sendComment(ui, form) : deleteComment(ui, form))
      .catch(() => form.submit())
      .finally(() => {
        if (button) button.disabled = false;
      });
  }, { signal });
  drawCommentMarkers(ui);
}
