import type { ChainResponse, ChainTrace } from '../shared/chain-trace';
import type { SpaConfig } from '../shared/spa-config';
import {
  type BearerToken,
  type BffClient,
  BffProblem,
  type BffRequest,
  type BffResponse,
  ClaimsChallenge,
  type SentRequest,
} from './api/bff-client';
import { type DocumentMeta, listOf, type NewProgramme, type Programme, type Quote } from './api/domain';
import type { MsalAuth, PendingAction } from './auth/msal-auth';
import { userFlowOf } from './auth/user-flow';
import { renderApp } from './ui/views';

/** One BFF request made by an action (with its token's claims), and the chain trace the BFF recorded. */
export interface RequestRecord extends SentRequest {
  trace?: ChainTrace;
  /** Why this request is shown (e.g. the one a claims challenge answered before the step-up). */
  note?: string;
}

/** One thing the user did; the inspector draws the chains of its requests. */
export interface ActionRecord {
  readonly id: number;
  readonly label: string;
  readonly at: Date;
  readonly requests: RequestRecord[];
  outcome?: string;
  error?: string;
  traceNote?: string;
  /** Set once the action finished and its traces were looked up. */
  done?: boolean;
}

export interface AppState {
  programmes: Programme[];
  selected?: Programme;
  documents: DocumentMeta[];
  quote?: Quote;
  busy?: string;
  actions: ActionRecord[];
  shownActionId?: number;
}

type Call = <T>(method: string, path: string, req?: BffRequest) => Promise<BffResponse<T>>;
/** What the step-up redirect brings back: the new token, and the request that was challenged. */
type StepUpResult = Omit<PendingAction, 'kind' | 'programmeId'> & { readonly token?: BearerToken };
type ActionBody = (call: Call, record: ActionRecord) => Promise<string>;

/** The SPA: state, the actions the screens trigger, and the inspector's trace lookup after each. */
export class App {
  readonly state: AppState = { programmes: [], documents: [], actions: [] };
  private nextId = 1;

  constructor(
    private readonly root: HTMLElement,
    readonly config: SpaConfig,
    readonly auth: MsalAuth,
    private readonly bff: BffClient,
  ) {}

  async start(): Promise<void> {
    this.render();
    if (this.auth.user === null) return;
    const pending = this.auth.takePendingAction();
    await this.loadProgrammes();
    if (pending !== undefined) {
      await this.open(pending.programmeId);
      const token = this.auth.takeRedirectToken();
      await this.approve(pending.programmeId, { ...pending, ...(token === undefined ? {} : { token }) });
    }
  }

  render(): void {
    this.root.replaceChildren(renderApp(this));
  }

  signIn = (loginHint?: string) => this.auth.signIn(loginHint);
  signOut = () => this.auth.signOut();

  loadProgrammes = () =>
    this.run('List programmes', async (call) => {
      const res = await call<unknown>('GET', '/api/programmes');
      this.state.programmes = listOf<Programme>(res.data, 'programmes');
      return `${this.state.programmes.length} programmes`;
    });

  open = (id: string) =>
    this.run('Open programme', async (call) => {
      const [programme, documents] = await Promise.all([
        call<Programme>('GET', `/api/programmes/${enc(id)}`),
        call<unknown>('GET', `/api/programmes/${enc(id)}/documents`),
      ]);
      this.select(programme.data);
      this.state.documents = listOf<DocumentMeta>(documents.data, 'documents');
      return `${programme.data.name}: ${this.state.documents.length} documents`;
    });

  create = (input: NewProgramme) =>
    this.run('Create programme', async (call) => {
      const res = await call<Programme>('POST', '/api/programmes', { body: input });
      this.state.programmes = [res.data, ...this.state.programmes];
      this.select(res.data);
      this.state.documents = [];
      return `created ${res.data.name}`;
    });

  submit = (id: string) =>
    this.run('Submit programme', async (call) => {
      const res = await call<Programme>('POST', `/api/programmes/${enc(id)}/submit`);
      this.replace(res.data);
      return `${res.data.name} is ${res.data.status}`;
    });

  getQuote = (id: string) =>
    this.run('Get quote', async (call) => {
      const res = await call<{ programme: Programme; quote: Quote }>(
        'GET',
        `/api/programmes/${enc(id)}/quote`,
      );
      this.replace(res.data.programme);
      this.state.quote = res.data.quote;
      return `premium ${res.data.quote.premium.toLocaleString('en-GB')} ${res.data.quote.currency}`;
    });

  /**
   * Approval needs a multi-factor token: a claims challenge sends the user through the step-up (a
   * redirect), and `start()` calls this again with the new token and the challenged request's id.
   */
  approve = (id: string, stepUp?: StepUpResult) =>
    this.run(stepUp === undefined ? 'Approve' : 'Approve (after step-up)', async (call, record) => {
      const path = `/api/programmes/${enc(id)}/approve`;
      if (stepUp?.challengedCorrelationId !== undefined) {
        const token = stepUp.challengedToken === undefined ? {} : { token: stepUp.challengedToken };
        record.requests.push({
          correlationId: stepUp.challengedCorrelationId,
          method: 'POST',
          path,
          note: this.stepUpNote(),
          ...token,
        });
      }
      try {
        const res = await call<Programme>(
          'POST',
          path,
          stepUp?.token === undefined ? {} : { accessToken: stepUp.token },
        );
        this.replace(res.data);
        return `${res.data.name} is ${res.data.status}`;
      } catch (error) {
        if (!(error instanceof ClaimsChallenge) || stepUp !== undefined) throw error;
        const challenged = record.requests.find((r) => r.correlationId === error.correlationId)?.token;
        await this.auth.stepUp(error.claims, {
          kind: 'approve',
          programmeId: id,
          challengedCorrelationId: error.correlationId,
          ...(challenged === undefined ? {} : { challengedToken: challenged }),
        });
        return 'claims challenge: second factor required, redirecting';
      }
    });

  upload = (id: string, file: File) =>
    this.run('Upload document', async (call) => {
      const form = new FormData();
      form.append('file', file, file.name);
      const res = await call<DocumentMeta>('POST', `/api/programmes/${enc(id)}/documents`, { form });
      this.state.documents = [...this.state.documents, res.data];
      return `uploaded ${res.data.fileName}`;
    });

  download = (doc: DocumentMeta) =>
    this.run('Download document', async (call) => {
      const res = await call<Blob>(
        'GET',
        `/api/programmes/${enc(doc.programmeId)}/documents/${enc(doc.id)}`,
        { as: 'blob' },
      );
      const url = URL.createObjectURL(res.data);
      const link = Object.assign(document.createElement('a'), { href: url, download: doc.fileName });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return `downloaded ${doc.fileName} (${res.data.size} bytes)`;
    });

  remove = (doc: DocumentMeta) =>
    this.run('Delete document', async (call) => {
      await call<void>('DELETE', `/api/programmes/${enc(doc.programmeId)}/documents/${enc(doc.id)}`);
      this.state.documents = this.state.documents.filter((d) => d.id !== doc.id);
      return `deleted ${doc.fileName}`;
    });

  /** Under the challenged request: how the SPA got the token for the retry. */
  private stepUpNote(): string {
    const stepUp = this.config.auth.stepUpAuthority;
    if (stepUp === undefined)
      return 'answered 401 insufficient_claims: MSAL got a token with the claims (second factor), then the SPA retried';
    const flow = userFlowOf(stepUp) ?? 'that enforces MFA';
    return `answered 401 insufficient_claims: the SPA signed in through the user flow ${flow} (second factor), then retried`;
  }

  show = (actionId: number) => {
    this.state.shownActionId = actionId;
    this.render();
  };

  /** Runs an action, records each request's correlation id, then fetches the chain traces for them. */
  private async run(label: string, body: ActionBody): Promise<void> {
    const record: ActionRecord = { id: this.nextId++, label, at: new Date(), requests: [] };
    this.state.actions = [record, ...this.state.actions].slice(0, 20);
    this.state.shownActionId = record.id;
    this.state.busy = label;
    this.render();
    const call: Call = (method, path, req) =>
      this.bff.request(method, path, req, (sent) => record.requests.push(sent));
    try {
      record.outcome = await body(call, record);
    } catch (error) {
      record.error = describe(error);
    }
    await this.attachTraces(record);
    record.done = true;
    this.state.busy = undefined;
    this.render();
  }

  private async attachTraces(record: ActionRecord): Promise<void> {
    if (record.requests.length === 0) return;
    for (let attempt = 0; attempt < 3 && record.requests.some((r) => r.trace === undefined); attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      try {
        const res = await this.bff.request<ChainResponse>('GET', '/api/chain');
        for (const request of record.requests) {
          request.trace ??= res.data.traces.find((t) => t.correlationId === request.correlationId);
        }
      } catch (error) {
        record.traceNote =
          error instanceof BffProblem && error.status === 404
            ? 'The BFF does not expose /api/chain: start it with CHAIN_TRACE=true.'
            : `Could not read the chain trace: ${describe(error)}`;
        return;
      }
    }
  }

  private select(programme: Programme): void {
    if (this.state.selected?.id !== programme.id) this.state.quote = undefined;
    this.state.selected = programme;
  }

  private replace(programme: Programme): void {
    this.state.programmes = this.state.programmes.map((p) => (p.id === programme.id ? programme : p));
    this.select(programme);
  }
}

function enc(id: string): string {
  return encodeURIComponent(id);
}

function describe(error: unknown): string {
  if (error instanceof BffProblem) return `${error.status} ${error.code}: ${error.detail}`;
  if (error instanceof TypeError)
    return `network error (${error.message}): is the BFF running and allowing this origin (CORS)?`;
  return error instanceof Error ? error.message : String(error);
}
