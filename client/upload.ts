import { enhanceUploadForm } from './upload-form.js';
import { enhancePartForm } from './upload-parts.js';

/**
 * Wires the upload forms of the page: one-file forms (`data-upload`: a new song, a part's new
 * take) and the part form (`data-upload-parts`), which takes several files at once.
 */
for (const form of document.querySelectorAll<HTMLFormElement>('form[data-upload]')) enhanceUploadForm(form);

const partForm = document.querySelector<HTMLFormElement>('form[data-upload-parts]');
if (partForm) {
  enhancePartForm(partForm);
}
