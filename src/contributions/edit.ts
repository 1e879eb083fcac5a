import type { Deps } from '../deps.js';
import { findInstrumentBySlug } from '../posts/taxonomy.js';
import { authorize, ValidationFailed } from '../web/errors.js';
import { canEditContribution } from './policies.js';
import { updateContributionDetails, type ContributionRow } from './queries.js';
import type { ContributionInput } from './schemas.js';

/** The contributor changes their part's note or instrument (the mix and its credits keep the names they were saved with). */
export async function editContribution(contribution: ContributionRow, input: ContributionInput, { db, actor }: Pick<Deps, 'db'> & { actor: Express.User | undefined }): Promise<void> {
  authorize(canEditContribution(actor, contribution));
  const instrument = await findInstrumentBySlug(db, input.instrument);
  if (!instrument) throw new ValidationFailed({ instrument: 'Pick an instrument from the list.' });
  await updateContributionDetails(db, contribution.id, { note: input.note, instrument_id: instrument.id });
}
