import { megabytes, progressText, send, type Answer, type Progress } from './upload-file.js';
import { t } from './i18n.js';

/**
 * One file's line in an upload list: its name and size, a progress bar with the percentage,
 * the megabytes sent and the time left, and Cancel while it goes; afterwards the server's
 * answer (its message when refused) with Retry. Built with DOM calls, never innerHTML, so a
 * file name is only ever text.
 */
export interface UploadRow {
  element: HTMLLIElement;
  /** Where the per-file fields go (the part form's instrument and note). */
  fields: HTMLElement;
  /** Sends the body that `build()` makes; resolves with the server's answer. */
  start(url: string, build: () => FormData): Promise<Answer>;
  refuse(message: string): void;
  state(): 'waiting' | 'sending' | 'done' | 'failed' | 'refused';
  onRemove?: () => void;
  onRetry?: () => void;
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text = '') => {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
};

export function uploadRow(file: File): UploadRow {
  const element = el('li', 'upload-item');
  element.dataset.state = 'waiting';
  const head = el('div', 'upload-item-head');
  head.append(el('span', 'upload-item-name', file.name), el('span', 'upload-item-size muted small', megabytes(file.size)));
  const fields = el('div', 'upload-item-fields');
  const bar = el('progress', 'upload-item-bar');
  bar.max = 100;
  bar.value = 0;
  bar.hidden = true;
  bar.setAttribute('aria-label', t('upload.upload_of', { name: file.name }));
  const status = el('p', 'upload-item-status small', t('upload.ready'));
  status.setAttribute('aria-live', 'polite');
  const actions = el('div', 'upload-item-actions');
  const cancel = el('button', 'button small ghost', t('upload.cancel'));
  const retry = el('button', 'button small', t('upload.retry'));
  const remove = el('button', 'link small', t('upload.remove'));
  for (const b of [cancel, retry, remove]) {
    b.type = 'button';
    b.setAttribute('aria-label', `${b.textContent} ${file.name}`);
  }
  cancel.hidden = retry.hidden = true;
  actions.append(cancel, retry, remove);
  element.append(head, fields, bar, status, actions);

  const setState = (state: ReturnType<UploadRow['state']>) => (element.dataset.state = state);
  const row: UploadRow = {
    element,
    fields,
    state: () => element.dataset.state as ReturnType<UploadRow['state']>,
    refuse(message) {
      setState('refused');
      status.textContent = message;
      status.setAttribute('role', 'alert');
    },
    async start(url, build) {
      setState('sending');
      status.removeAttribute('role');
      bar.hidden = false;
      bar.value = 0;
      cancel.hidden = false;
      retry.hidden = remove.hidden = true;
      const show = (p: Progress) => {
        bar.value = p.total ? Math.floor((p.loaded / p.total) * 100) : 0;
        status.textContent = progressText(p);
      };
      show({ loaded: 0, total: file.size });
      const sending = send(url, build(), show);
      cancel.onclick = () => sending.cancel();
      const answer = await sending.done;
      cancel.hidden = true;
      if (answer.ok) {
        setState('done');
        bar.value = 100;
        status.textContent = t('upload.uploaded');
      } else {
        setState('failed');
        bar.hidden = true;
        status.textContent = answer.message;
        if (!answer.cancelled) status.setAttribute('role', 'alert');
        retry.hidden = remove.hidden = false;
      }
      return answer;
    },
  };
  retry.onclick = () => row.onRetry?.();
  remove.onclick = () => {
    element.remove();
    row.onRemove?.();
  };
  return row;
}
