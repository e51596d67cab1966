import { BffProblem } from '../api/bff-client';
import { megabytes, userMessage } from './messages';

const problem = (status: number, code: string, detail: string, extensions = {}, retryAfter?: number) =>
  new BffProblem(status, code, detail, 'web-1', extensions, retryAfter);

describe('userMessage', () => {
  it('names the field of a validation failure in plain words, with the limit as a number', () => {
    expect(
      userMessage(problem(400, 'validation_failed', 'insuredValue must not be greater than 1000000000000')),
    ).toEqual({ field: 'insuredValue', message: 'Insured value can be at most 1,000,000,000,000.' });
    expect(
      userMessage(problem(400, 'validation_failed', 'name must not be blank; currency must be x')),
    ).toEqual({
      field: 'name',
      message: 'Name is required.',
    });
    expect(
      userMessage(problem(400, 'validation_failed', 'name must be shorter than or equal to 200 characters')),
    ).toEqual({ field: 'name', message: 'Name can have at most 200 characters.' });
  });

  it('says the upload limit in MB, never in bytes', () => {
    const m = userMessage(
      problem(413, 'payload_too_large', 'A document may be at most 10485760 bytes.', { maxBytes: 10485760 }),
    );
    expect(m).toEqual({ field: 'file', message: 'The file is too large: a document can be at most 10 MB.' });
    expect(userMessage(problem(413, 'payload_too_large', 'more than 10485760 bytes')).message).toBe(
      'The file is too large: a document can be at most 10 MB.',
    );
    expect(megabytes(5 * 1024 * 1024 + 100)).toBe('5 MB');
  });

  it('explains refusals without codes', () => {
    expect(userMessage(problem(403, 'not_owner', 'x'), 'this document').message).toBe(
      'Only the person who created this document can do that.',
    );
    expect(userMessage(problem(403, 'downstream_forbidden', 'x')).message).toBe(
      'Your role does not allow this action.',
    );
    expect(userMessage(problem(404, 'not_found', 'x'), 'this programme').message).toContain(
      'not shared with you',
    );
    expect(userMessage(problem(503, 'token_service_unavailable', 'x', {}, 30)).message).toContain(
      'in 30 seconds',
    );
    expect(userMessage(new TypeError('Failed to fetch')).message).toContain('could not reach the server');
    for (const status of [400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 502, 503, 504])
      expect(userMessage(problem(status, 'c', 'd')).message).not.toMatch(/\b(c|d|\d{3})\b/);
  });
});
