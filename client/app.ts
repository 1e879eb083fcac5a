import { csrfToken } from './csrf.js';
import './likes.js';
import './messages.js';
import './share.js';
import './theme.js';
import * as Turbo from '@hotwired/turbo';
import { startPlayer } from './player-site.js';

/**
 * Site-wide behaviour: Turbo Drive visits pages without a full load, so the one player
 * (client/player*.ts) keeps playing while the listener browses; upload progress for audio
 * forms (a plain form post still works without JavaScript).
 *
 * Forms are left to the browser (Turbo's opt-in mode): Turbo would need every form answer to
 * be a redirect or an error status, and the file uploads have their own progress below. A form opts in with
 * data-turbo="true" (the header search). Code that binds to a page's elements runs on
 * "turbo:load" (the first load and every visit); listeners on `document` are bound once.
 */
Turbo.config.forms.mode = 'optin';
startPlayer();

/** Field errors under their fields (a refused file under the file field), the form kept as it is. */
function showFieldErrors(form: HTMLFormElement, message: string, fields: Record<string, string>): void {
  for (const old of form.querySelectorAll('.field-error[data-client]')) old.remove();
  for (const input of form.querySelectorAll('[aria-invalid="true"]')) input.removeAttribute('aria-invalid');
  const file = form.querySelector<HTMLInputElement>('input[type="file"]');
  const entries = Object.entries(fields);
  if (!entries.length) entries.push([file?.name ?? '', message]);
  for (const [name, text] of entries) {
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
    if (empty) errors[input.name] = input.type === 'file' ? 'Choose an audio file.' : 'This field is required.';
  }
  const bpm = form.querySelector<HTMLInputElement>('input[name="bpm"]');
  if (bpm?.value.trim()) {
    const n = Number(bpm.value);
    if (!Number.isInteger(n) || n < 20 || n > 400) errors.bpm = 'BPM is a whole number from 20 to 400.';
  }
  return errors;
}

// Upload with progress as JSON: a refused file or field shows its message under the field and
// the form keeps every value and the chosen file (it is sent again with the next try).
function bindUpload(form: HTMLFormElement): void {
  if (form.dataset.uploadBound !== undefined) return;
  form.dataset.uploadBound = '';
  form.addEventListener('submit', (event) => {
    const progress = form.querySelector<HTMLProgressElement>('.upload-progress');
    if (!progress || !('FormData' in window)) return;
    event.preventDefault();
    const checked = checkInBrowser(form);
    if (Object.keys(checked).length) {
      showFieldErrors(form, '', checked);
      return;
    }
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (button) button.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    const done = () => {
      if (button) button.disabled = false;
      progress.hidden = true;
    };
    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
    });
    xhr.addEventListener('load', () => {
      let body: { url?: string; id?: number; error?: { message?: string; fields?: Record<string, string> } } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // not JSON (a proxy's error page): say so below
      }
      if (xhr.status < 400) {
        if (body.url) return Turbo.visit(body.url);
        // A new part: back to the post, scrolled to the part, with a confirmation there.
        if (body.id !== undefined) sessionStorage.setItem('soundhub:uploaded-part', String(body.id));
        window.location.assign(`${location.pathname}${body.id !== undefined ? `#contribution-${body.id}` : ''}`);
        if (body.id !== undefined) window.location.reload();
        return;
      }
      done();
      showFieldErrors(form, body.error?.message ?? `The upload was refused (the server answered ${xhr.status}).`, body.error?.fields ?? {});
    });
    xhr.addEventListener('error', () => {
      done();
      showFieldErrors(form, 'The upload was interrupted. Check your connection and try again.', {});
    });
    xhr.send(new FormData(form));
  });
}

// After uploading a part: scroll to it and say it arrived.
function showUploadedPart(): void {
  const uploaded = sessionStorage.getItem('soundhub:uploaded-part');
  if (!uploaded) return;
  sessionStorage.removeItem('soundhub:uploaded-part');
  const part = document.getElementById(`contribution-${uploaded}`);
  if (part) {
    const note = document.createElement('p');
    note.className = 'notice small';
    note.setAttribute('role', 'status');
    note.dataset.uploadedNote = '';
    note.textContent = 'Your part is uploaded. It is being processed and joins the mixer by itself when it is ready.';
    part.prepend(note);
    part.scrollIntoView({ block: 'center' });
  }
}

document.addEventListener('turbo:load', () => {
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-upload]')) bindUpload(form);
  showUploadedPart();
});

// Destructive forms ask first (deleting a part re-renders the master without it).
document.addEventListener('submit', (event) => {
  const form = event.target as HTMLFormElement;
  const question = form.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
