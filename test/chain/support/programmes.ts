import type { ApiClient } from './bff-api';

/** A programme as the BFF returns it (CONTRACTS.md "program-service"). */
export interface Programme {
  readonly id: string;
  readonly name: string;
  readonly brokerage: string;
  readonly ownerOid: string;
  readonly lineOfBusiness: string;
  readonly region: string;
  readonly insuredValue: number;
  readonly currency: string;
  readonly status: 'draft' | 'submitted' | 'approved';
  readonly approvedBy?: string;
}

/** Terms of a new programme (the body of `POST /api/programmes`). */
export function newProgrammeTerms(name: string): Record<string, unknown> {
  return { name, lineOfBusiness: 'property', region: 'uk', insuredValue: 2_500_000, currency: 'GBP' };
}

/** `GET /api/programmes` as a list (the BFF answers `{ programmes: [...] }`). */
export async function listProgrammes(api: ApiClient): Promise<Programme[]> {
  const res = await api.get<{ programmes: Programme[] }>('/api/programmes');
  if (res.status !== 200) throw new Error(`GET /api/programmes answered ${res.status}`);
  return res.body.programmes;
}

/** Creates a programme through the BFF and returns it. */
export async function createProgramme(api: ApiClient, name: string): Promise<Programme> {
  const res = await api.post<Programme>('/api/programmes', newProgrammeTerms(name));
  if (res.status !== 201)
    throw new Error(`POST /api/programmes answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * A problem body made comparable across requests: without its per-request members (correlation id,
 * instance) and with the asked id replaced, so that "hidden" and "does not exist" can be compared.
 */
export function comparable(body: Record<string, unknown>, askedId: string): Record<string, unknown> {
  const { correlationId: _correlation, instance: _instance, ...rest } = body;
  return JSON.parse(JSON.stringify(rest).split(askedId).join(':id')) as Record<string, unknown>;
}

/**
 * A submitted programme of `broker`'s brokerage (visible to underwriters, who see all but drafts): a
 * seeded one when there is one, else one the broker creates and submits.
 */
export async function submittedProgramme(broker: ApiClient, name: string): Promise<Programme> {
  const seeded = (await listProgrammes(broker)).find((p) => p.status === 'submitted');
  if (seeded !== undefined) return seeded;
  const created = await createProgramme(broker, name);
  const res = await broker.post<Programme>(`/api/programmes/${created.id}/submit`);
  if (res.status >= 300) throw new Error(`POST /api/programmes/:id/submit answered ${res.status}`);
  return res.body;
}
