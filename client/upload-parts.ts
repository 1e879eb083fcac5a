import { acceptDrops, guardPageFromDrops } from './upload-drop.js';
import { limitsOf, refusalOf } from './upload-file.js';
import { uploadRow, type UploadRow } from './upload-row.js';
import { t } from './i18n.js';

/**
 * The "Add your part" form with several files: each chosen or dropped file gets its own line
 * with an instrument (guessed from the file name when it names one), a note and its own
 * request to POST /posts/:id/contributions, so each becomes its own part and one refused
 * file loses none of the others. Without JavaScript the form posts one file as before.
 */
const AT_ONCE = 2;

interface Queued {
  row: UploadRow;
  file: File;
  instrument: HTMLSelectElement;
  note: HTMLInputElement;
  partId?: number;
}

export interface PartQueue {
  /** Adds files to the list (the recorder adds its take here); `instrument` preselects one. */
  add(files: File[], instrument?: string): void;
}

export function enhancePartForm(form: HTMLFormElement): PartQueue {
  const limits = limitsOf(form);
  const input = form.querySelector<HTMLInputElement>('input[type="file"][name="audio"]')!;
  const template = form.querySelector<HTMLSelectElement>('select[name="instrument"]')!;
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
  const list = document.createElement('ol');
  list.className = 'upload-list';
  list.setAttribute('aria-label', t('upload.files'));
  const summary = document.createElement('p');
  summary.className = 'upload-summary small';
  summary.setAttribute('role', 'status');
  form.querySelector('.upload-files')!.after(list, summary);
  // Each file carries its own instrument and note; the single-file fields step aside.
  for (const single of form.querySelectorAll<HTMLElement>('[data-single-part]')) single.hidden = true;
  template.required = false;
  input.required = false;
  input.multiple = true;
  form.classList.add('is-enhanced');
  const queue: Queued[] = [];
  let added = 0;

  const label = () => {
    const waiting = queue.filter((q) => q.row.state() === 'waiting' || q.row.state() === 'failed').length;
    button.textContent = waiting > 1 ? t('upload.upload_parts', { count: waiting }) : t('upload.upload_part');
  };

  const add = (files: File[], instrument?: string) => {
    for (const file of files) {
      const row = uploadRow(file);
      const item: Queued = { row, file, instrument: template.cloneNode(true) as HTMLSelectElement, note: document.createElement('input') };
      const n = (added += 1);
      item.instrument.id = `part-${n}-instrument`;
      item.instrument.name = '';
      item.instrument.required = true;
      item.instrument.value = instrument ?? guessInstrument(file.name, template) ?? template.value;
      item.note.id = `part-${n}-note`;
      item.note.maxLength = 1000;
      item.note.placeholder = t('upload.note_placeholder');
      row.fields.append(labelled(t('upload.instrument'), item.instrument), labelled(t('upload.note'), item.note));
      const refused = refusalOf(file, limits);
      if (refused) row.refuse(refused);
      row.onRemove = () => {
        queue.splice(queue.indexOf(item), 1);
        label();
      };
      row.onRetry = () => void run([item]);
      queue.push(item);
      list.append(row.element);
    }
    summary.textContent = '';
    label();
  };

  const run = async (items: Queued[]) => {
    for (const item of items) item.row.element.dataset.state = 'waiting';
    const pending = [...items];
    const worker = async () => {
      for (let item = pending.shift(); item; item = pending.shift()) {
        const answer = await item.row.start(form.action, () => partBody(item));
        if (answer.ok) {
          item.partId = answer.body.id;
          item.instrument.disabled = item.note.disabled = true;
        }
      }
    };
    button.disabled = true;
    await Promise.all(Array.from({ length: AT_ONCE }, worker));
    button.disabled = false;
    finish();
  };

  const finish = () => {
    const done = queue.filter((q) => q.row.state() === 'done');
    if (!done.length) return label();
    if (done.length === queue.length) return showUploaded(done.map((q) => q.partId!));
    summary.textContent = t('upload.partly_done', { done: done.length, total: queue.length });
    const show = document.createElement('button');
    show.type = 'button';
    show.className = 'link';
    show.textContent = t('upload.show_uploaded');
    show.onclick = () => showUploaded(done.map((q) => q.partId!));
    summary.append(show, '.');
    label();
  };

  input.addEventListener('change', () => {
    add([...(input.files ?? [])]);
    input.value = '';
  });
  guardPageFromDrops();
  acceptDrops(form, (files) => add(files));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const ready = queue.filter((q) => q.row.state() === 'waiting' || q.row.state() === 'failed');
    if (!queue.length) return void (summary.textContent = t('upload.choose_first'));
    let missing = false;
    for (const q of ready) {
      q.instrument.setAttribute('aria-invalid', String(!q.instrument.value));
      if (!q.instrument.value && !missing) q.instrument.focus();
      missing ||= !q.instrument.value;
    }
    if (missing) return void (summary.textContent = t('upload.pick_instrument'));
    void run(ready);
  });

  return { add };
}

function partBody({ file, instrument, note }: Queued): FormData {
  const body = new FormData();
  body.append('instrument', instrument.value);
  body.append('note', note.value);
  body.append('audio', file, file.name);
  return body;
}

function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  const label = document.createElement('label');
  label.className = 'upload-field';
  const span = document.createElement('span');
  span.className = 'small muted';
  span.textContent = text;
  label.append(span, control);
  return label;
}

/** "Bass_take2.wav" → bass: an instrument whose name or slug is a word of the file name. */
function guessInstrument(fileName: string, select: HTMLSelectElement): string | undefined {
  const words = ` ${fileName.toLowerCase().replace(/\.[^.]+$/, '').replace(/[^a-z0-9]+/g, ' ')} `;
  for (const option of select.options) {
    if (!option.value) continue;
    const names = [option.value, option.text].map((n) => n.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim());
    if (names.some((n) => n && words.includes(` ${n} `))) return option.value;
  }
  return undefined;
}

/** Reloads the page at the new parts, with a confirmation on each (client/app.ts shows it). */
function showUploaded(ids: number[]): void {
  sessionStorage.setItem('soundhub:uploaded-part', ids.join(','));
  window.location.assign(`${location.pathname}#contribution-${ids.at(-1)}`);
  window.location.reload();
}
