import { acceptDrops, guardPageFromDrops } from './upload-drop.js';
import { limitsOf, refusalOf } from './upload-file.js';
import { uploadRow } from './upload-row.js';
import { t } from './i18n.js';

/**
 * A form that sends one audio file (a new song, a part's new take): files can be dropped on
 * it, the file is checked in the browser before any byte goes, the upload shows its progress
 * and can be cancelled, and a refused file or field shows its message under the field with
 * every value kept. On the new-song form the title is suggested from the file name.
 */
export function enhanceUploadForm(form: HTMLFormElement): void {
  const limits = limitsOf(form);
  const audio = form.querySelector<HTMLInputElement>('input[type="file"][name="audio"]');
  const cover = form.querySelector<HTMLInputElement>('input[type="file"][name="cover"]');
  const title = form.querySelector<HTMLInputElement>('input[name="title"][data-suggest-from-file]');
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  const list = document.createElement('ol');
  list.className = 'upload-list';
  list.setAttribute('aria-label', t('upload.list'));
  button?.before(list);
  form.querySelector('.upload-progress')?.remove();
  form.classList.add('is-enhanced');

  // The title follows the file's name until the musician types one of their own.
  let titleTouched = Boolean(title?.value.trim());
  title?.addEventListener('input', () => (titleTouched = title.value.trim() !== ''));
  const chosen = () => {
    const file = audio?.files?.[0];
    const refused = file && refusalOf(file, limits);
    showFieldErrors(form, refused ? { audio: refused } : {});
    if (file && title && !titleTouched) title.value = titleFromFileName(file.name);
  };
  audio?.addEventListener('change', chosen);

  guardPageFromDrops();
  acceptDrops(form, (files) => {
    const sound = files.find((f) => !f.type.startsWith('image/'));
    const picture = files.find((f) => f.type.startsWith('image/'));
    if (sound && audio) put(audio, sound);
    if (picture && cover) put(cover, picture);
    if (sound) chosen();
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });

  const submit = async () => {
    const errors = checkInBrowser(form);
    const file = audio?.files?.[0];
    const refused = file && refusalOf(file, limits);
    if (refused) errors.audio = refused;
    showFieldErrors(form, errors);
    if (Object.keys(errors).length || !file) return;
    list.replaceChildren();
    const row = uploadRow(file);
    row.onRetry = () => form.requestSubmit();
    row.onRemove = () => list.replaceChildren();
    list.append(row.element);
    if (button) button.disabled = true;
    const answer = await row.start(form.action, () => new FormData(form));
    if (button) button.disabled = false;
    if (answer.ok) {
      if (answer.body.url) return window.location.assign(answer.body.url);
      // A part's new take: back to its post, scrolled to the part, with a confirmation there.
      if (answer.body.id !== undefined) sessionStorage.setItem('soundhub:uploaded-part', String(answer.body.id));
      window.location.assign(`${location.pathname}${answer.body.id !== undefined ? `#contribution-${answer.body.id}` : ''}`);
      if (answer.body.id !== undefined) window.location.reload();
      return;
    }
    if (answer.cancelled) return;
    // A refused field (or the file) shows under its field; the file's line keeps Retry.
    showFieldErrors(form, Object.keys(answer.fields).length ? answer.fields : { [audio?.name ?? 'audio']: answer.message });
  };
}

/** "my_new-song.final.wav" → "my new song.final" */
export function titleFromFileName(name: string): string {
  return name
    .replace(/\.[a-z0-9]{1,5}$/i, '')
    .replace(/[_-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
}

function put(input: HTMLInputElement, file: File): void {
  const files = new DataTransfer();
  files.items.add(file);
  input.files = files.files;
}

/** Field errors under their fields, the form kept as it is. */
function showFieldErrors(form: HTMLFormElement, fields: Record<string, string>): void {
  for (const old of form.querySelectorAll('.field-error[data-client]')) old.remove();
  for (const input of form.querySelectorAll('[aria-invalid="true"]')) input.removeAttribute('aria-invalid');
  const file = form.querySelector<HTMLInputElement>('input[type="file"]');
  for (const [name, text] of Object.entries(fields)) {
    const input = form.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"]`) ?? file;
    if (!input) continue;
    const p = document.createElement('p');
    p.className = 'field-error';
    p.dataset.client = '';
    p.id = `${name || 'form'}-client-error`;
    p.setAttribute('role', 'alert');
    p.textContent = text;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', p.id);
    input.after(p);
  }
  form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}

/** The cheap checks before any bytes go: required fields, BPM 20–400. */
function checkInBrowser(form: HTMLFormElement): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const input of form.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('[required]')) {
    const empty = input instanceof HTMLInputElement && input.type === 'file' ? !input.files?.length : !input.value.trim();
    if (empty) errors[input.name] = input.type === 'file' ? t('upload.choose_file') : t('upload.required');
  }
  const bpm = form.querySelector<HTMLInputElement>('input[name="bpm"]');
  if (bpm?.value.trim()) {
    const n = Number(bpm.value);
    if (!Number.isInteger(n) || n < 20 || n > 400) errors.bpm = t('upload.bpm_range');
  }
  return errors;
}
