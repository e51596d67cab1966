import { BffProblem } from '../api/bff-client';

/** What the person is told: one sentence in plain words, and the form field it is about, if any. */
export interface UserMessage {
  readonly message: string;
  readonly field?: string;
}

/** Labels of the fields the BFF validates, as the forms show them. */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  name: 'Name',
  lineOfBusiness: 'Line of business',
  region: 'Region',
  insuredValue: 'Insured value',
  currency: 'Currency',
  file: 'Document file',
  reference: 'Programme reference',
};

const number = (n: number) => n.toLocaleString('en-GB', { maximumFractionDigits: 2 });

/** `10485760` bytes → `10 MB` (MiB, as the limit is set: 10 × 1024 × 1024). */
export function megabytes(bytes: number): string {
  return `${number(Math.round((bytes / (1024 * 1024)) * 10) / 10)} MB`;
}

/**
 * The sentence for a failed action: the problem's `detail` (docs/CONTRACTS.md error contract) mapped to
 * words a user acts on, limits in MB, never a code or a byte count. `what` names the thing acted on
 * ("this programme", "this document").
 */
export function userMessage(error: unknown, what = 'it'): UserMessage {
  if (error instanceof TypeError)
    return { message: 'The portal could not reach the server. Check your connection, then try again.' };
  if (!(error instanceof BffProblem))
    return { message: 'Something went wrong. Try again; if it keeps happening, reload the page.' };
  const wait =
    error.retryAfterSeconds === undefined
      ? 'in a moment'
      : `in ${Math.max(1, error.retryAfterSeconds)} seconds`;
  switch (error.status) {
    case 400:
      return validation(error.detail);
    case 401:
      return { message: 'Your session has ended. Sign out and sign in again, then retry.' };
    case 403:
      return error.code === 'not_owner' || /owner/i.test(error.detail)
        ? { message: `Only the person who created ${what} can do that.` }
        : { message: 'Your role does not allow this action.' };
    case 404:
      return { message: `Not found: ${what} does not exist, or it is not shared with you.` };
    case 409:
      return /idempotency/i.test(error.detail)
        ? { message: `Your previous attempt is still being processed. Try again ${wait}.` }
        : {
            message: `${capital(what)} changed in the meantime (for example it was already submitted). Refresh, then try again.`,
          };
    case 413: {
      // The limit: the problem's `maxBytes`, else the byte count its detail names.
      const named = Number(/(\d+)\s*bytes/.exec(error.detail)?.[1] ?? NaN);
      const max = typeof error.extensions['maxBytes'] === 'number' ? error.extensions['maxBytes'] : named;
      return {
        field: 'file',
        message:
          Number.isFinite(max) && max > 0
            ? `The file is too large: a document can be at most ${megabytes(max)}.`
            : 'The file is too large.',
      };
    }
    case 415:
      return {
        field: 'file',
        message: 'This type of file is not accepted. Upload a PDF, PNG, JPEG, text, CSV, Word or Excel file.',
      };
    case 422:
      return { message: 'This retry does not match the first attempt. Start the action again.' };
    case 429:
    case 503:
      return { message: `The service is busy. Nothing was lost: try again ${wait}.` };
    case 502:
    case 504:
      return {
        message: `A service behind the portal did not answer in time. Try again ${wait}; your input is kept.`,
      };
    default:
      return { message: 'The server could not do this. Try again; if it keeps happening, reload the page.' };
  }
}

/** A validation failure: the first message names its field (`insuredValue must not be greater than …`). */
function validation(detail: string): UserMessage {
  const first = detail.split('; ')[0] ?? detail;
  const match = /^([A-Za-z]+)\s+(.*)$/.exec(first);
  const field = match?.[1];
  const label = field === undefined ? undefined : FIELD_LABELS[field];
  if (match === null || field === undefined || label === undefined)
    return { message: 'Some of what you entered was not accepted. Check the form and try again.' };
  const rest = match[2] ?? '';
  const limit = (re: RegExp) => {
    const n = Number(re.exec(rest)?.[1]);
    return Number.isFinite(n) ? number(n) : undefined;
  };
  const max = limit(/greater than ([\d.e+]+)/);
  const min = limit(/less than ([\d.e+]+)/);
  const chars = limit(/shorter than or equal to (\d+)/);
  let message: string;
  if (max !== undefined) message = `${label} can be at most ${max}.`;
  else if (min !== undefined) message = `${label} must be at least ${min}.`;
  else if (chars !== undefined) message = `${label} can have at most ${chars} characters.`;
  else if (/blank|empty|should not be/.test(rest)) message = `${label} is required.`;
  else if (/decimal/.test(rest)) message = `${label} can have at most 2 decimal places.`;
  else if (/one of the following|must be an? .*code/.test(rest))
    message = `Choose a ${label.toLowerCase()} from the list.`;
  else message = `${label} is not valid: enter a ${/number/.test(rest) ? 'number' : 'different value'}.`;
  return { field, message };
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
