/**
 * Saving the author's mix and following the master it renders:
 * POST /posts/:id/mix → 202 { version }, then GET /posts/:id/versions/:number every 2 s until
 * that version is ready or failed (one version, not the whole history).
 */
import { csrfToken } from './csrf.js';
import type { RecipeEntry, SavedSetting } from './mixer-ui.js';
import { t } from './i18n.js';

export interface MasterVersion {
  id: number;
  number: number;
  status: 'rendering' | 'ready' | 'failed';
  failureReason: string | null;
  recipe: RecipeEntry[];
}

interface VersionsResponse {
  currentVersionId: number | null;
  versions: MasterVersion[];
}

interface VersionResponse {
  currentVersionId: number | null;
  version: MasterVersion;
}

export type SaveOutcome = { ok: true; version: MasterVersion } | { ok: false; message: string };

/** The message of a `{ error: { message, fields } }` answer, with its field errors. */
async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string; fields?: Record<string, string> } };
    const message = body.error?.message;
    const fields = body.error?.fields ? Object.values(body.error.fields).join(' ') : '';
    if (message) return fields && !message.includes(fields) ? `${message} ${fields}` : message;
  } catch {
    // not JSON: fall through
  }
  if (res.status === 401) return t('mixer.session_ended');
  if (res.status === 403) return t('mixer.only_author');
  return t('mixer.save_failed', { status: res.status });
}

/** POST /posts/:id/versions/:n/current as JSON: the server makes that version the master. */
export async function makeCurrent(url: string): Promise<{ ok: true } | { ok: false; message: string }> {
  try {
    const res = await fetch(url, { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json', 'X-CSRF-Token': csrfToken() } });
    return res.ok ? { ok: true } : { ok: false, message: await errorMessage(res) };
  } catch {
    return { ok: false, message: t('mixer.unreachable') };
  }
}

export async function saveMix(url: string, tracks: SavedSetting[]): Promise<SaveOutcome> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrfToken() },
      body: JSON.stringify({ tracks }),
    });
  } catch {
    return { ok: false, message: t('mixer.unreachable') };
  }
  if (!res.ok) return { ok: false, message: await errorMessage(res) };
  const body = (await res.json().catch(() => null)) as { version?: MasterVersion } | null;
  if (!body?.version) return { ok: false, message: t('mixer.no_version') };
  return { ok: true, version: body.version };
}

async function getJson<T>(url: string): Promise<T | null> {
  try {
    const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (!res.ok) return null;
    return (await res.json()) as T;
  } catch {
    return null;
  }
}

/** The newest version of the post (GET /posts/:id/versions?limit=1). */
export async function fetchNewestVersion(versionsUrl: string): Promise<MasterVersion | null> {
  return (await getJson<VersionsResponse>(`${versionsUrl}?limit=1`))?.versions[0] ?? null;
}

/** One version (GET /posts/:id/versions/:number). */
export async function fetchVersion(versionsUrl: string, number: number): Promise<MasterVersion | null> {
  return (await getJson<VersionResponse>(`${versionsUrl}/${number}`))?.version ?? null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls version `number` until it is no longer rendering. Resolves with it, or null when it
 * is still rendering after `timeoutMs` (the worker may be busy; the page can be reloaded later).
 */
export async function waitForVersion(versionsUrl: string, number: number, { intervalMs = 2000, timeoutMs = 5 * 60_000 } = {}): Promise<MasterVersion | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await sleep(intervalMs);
    const version = await fetchVersion(versionsUrl, number);
    if (version && version.status !== 'rendering') return version;
  }
  return null;
}

/**
 * Brings the server-rendered parts of the page that show the master (the versions list
 * `#versions` and any element marked `data-master-refresh`, matched by id) up to date,
 * without reloading the page, so the mixer keeps its state and keeps playing.
 */
export async function refreshMasterSections(): Promise<void> {
  const targets = [...document.querySelectorAll<HTMLElement>('#versions, [data-master-refresh][id]')];
  const res = await fetch(location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
  if (!res.ok) return;
  const fresh = new DOMParser().parseFromString(await res.text(), 'text/html');
  for (const el of targets) {
    const next = fresh.getElementById(el.id);
    if (next) el.replaceWith(document.importNode(next, true));
  }
  // Which parts are in the mix now ("In the mix" and the marked row), without replacing the
  // list: a part playing in it or a note shown on it stays as it is.
  for (const part of fresh.querySelectorAll<HTMLElement>('.part[id^="contribution-"]')) {
    const here = document.getElementById(part.id);
    const head = here?.querySelector('.part-head');
    const freshHead = part.querySelector('.part-head');
    if (!here || !head || !freshHead) continue;
    here.className = part.className;
    head.replaceWith(document.importNode(freshHead, true));
  }
  // The first master ever: the versions section did not exist yet. Put it where the
  // server renders it: after the element that precedes it there, else under the mixer.
  const section = fresh.getElementById('versions');
  if (section && !document.getElementById('versions')) {
    const before = section.previousElementSibling?.id ? document.getElementById(section.previousElementSibling.id) : null;
    (before ?? document.getElementById('mixer'))?.after(document.importNode(section, true));
  }
}
