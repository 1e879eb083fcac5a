import { enhanceUploadForm } from './upload-form.js';
import { enhancePartForm } from './upload-parts.js';

/**
 * Wires the upload forms of the page: one-file forms (`data-upload`: a new song, a part's new
 * take) and the part form (`data-upload-parts`), which takes several files at once; its list
 * is handed to the recorder, so a recorded take is uploaded the same way. Runs on every Turbo
 * visit; a form already wired is left alone.
 */
export function enhanceUploads(): void {
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-upload]:not([data-upload-wired])')) {
    form.dataset.uploadWired = '';
    enhanceUploadForm(form);
  }
  const partForm = document.querySelector<HTMLFormElement>('form[data-upload-parts]:not([data-upload-wired])');
  if (!partForm) return;
  partForm.dataset.uploadWired = '';
  const queue = enhancePartForm(partForm);
  const recorder = document.querySelector<HTMLElement>('[data-recorder]');
  if (recorder) void import('./record.js').then(({ setUpRecorder }) => setUpRecorder(recorder, queue));
}
