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
import { IdempotencyKeys } from './api/idempotency';
import type { MsalAuth, PendingAction } from './auth/msal-auth';
import { probeTokenService, type TokenServiceState } from './auth/token-service-probe';
import { userFlowOf } from './auth/user-flow';
import { pathOf, type Route, routeOf } from './routes';
import { type UserMessage, userMessage } from './ui/messages';
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

/** The signed-in user as the BFF sees them (`GET /api/me`). */
export interface Me {
  readonly oid: string;
  readonly name?: string;
  readonly username?: string;
  readonly roles: readonly string[];
}

/** Where on the screen an action's error is shown: beside the control that started it. */
export type Place = 'create' | 'open' | 'list' | 'detail' | 'upload' | `document:${string}`;

/** The create form's fields as typed (strings), kept across renders and failed attempts. */
export type Draft = Record<keyof NewProgramme, string>;

const EMPTY_DRAFT: Draft = {
  name: '',
  lineOfBusiness: 'property',
  region: 'uk',
  insuredValue: '1000000',
  currency: 'GBP',
};

export interface AppState {
  programmes: Programme[];
  selected?: Programme;
  /** A programme asked for (by address or reference) that the chain answered 404 for. */
  notFound?: string;
  documents: DocumentMeta[];
  quote?: Quote;
  busy?: string;
  actions: ActionRecord[];
  shownActionId?: number;
  me?: Me;
  tokenService: TokenServiceState;
  errors: Partial<Record<Place, UserMessage>>;
  draft: Draft;
  reference: string;
  chosenFile?: File;
  /** The document whose delete waits for the user's confirmation. */
  confirmDelete?: string;
}

type Call = <T>(method: string, path: string, req?: BffRequest) => Promise<BffResponse<T>>;
/** What the step-up redirect brings back: the new token, and the request that was challenged. */
type StepUpResult = Omit<PendingAction, 'kind' | 'programmeId'> & { readonly token?: BearerToken };

interface ActionOptions {
  /** Where a failure is shown. */
  readonly place: Place;
  /** The thing acted on, for the sentences ("this programme"). */
  readonly what?: string;
  /** What gets focus after a success (a selector); by default the focus stays where it was. */
  readonly focus?: string;
  /** Writes: the action's name and input, for its `Idempotency-Key`. */
  readonly idempotency?: { readonly action: string; readonly input: string };
}

const RETURN_TO = 'portal.returnTo';

/** The SPA: state, the actions the screens trigger, and the inspector's trace lookup after each. */
export class App {
  readonly state: AppState = {
    programmes: [],
    documents: [],
    actions: [],
    tokenService: 'checking',
    errors: {},
    draft: { ...EMPTY_DRAFT },
    reference: '',
  };
  private nextId = 1;
  private readonly keys = new IdempotencyKeys();
  private focusTarget?: string;

  constructor(
    private readonly root: HTMLElement,
    readonly config: SpaConfig,
    readonly auth: MsalAuth,
    private readonly bff: BffClient,
  ) {}

  async start(): Promise<void> {
    const returnTo = sessionStorage.getItem(RETURN_TO);
    sessionStorage.removeItem(RETURN_TO);
    cleanAddress(this.auth.user === null ? undefined : (returnTo ?? undefined));
    window.addEventListener('popstate', () => void this.follow(routeOf(window.location.pathname)));
    this.render();
    if (this.auth.user === null) return this.checkTokenService();
    const pending = this.auth.takePendingAction();
    await this.loadMe();
    await this.loadProgrammes();
    if (pending !== undefined) {
      await this.open(pending.programmeId);
      const token = this.auth.takeRedirectToken();
      await this.approve(pending.programmeId, { ...pending, ...(token === undefined ? {} : { token }) });
      return;
    }
    // A page load leaves the focus at the top of the page (the skip link is the first tab stop).
    await this.follow(routeOf(window.location.pathname), false);
  }

  render(): void {
    const keep = focusKey(document.activeElement);
    this.root.replaceChildren(renderApp(this));
    const target = this.focusTarget ?? keep;
    this.focusTarget = undefined;
    const el = target === undefined ? null : this.root.querySelector<HTMLElement>(target);
    el?.focus({ preventScroll: target === keep });
  }

  /** Probes the token service before anyone clicks "Sign in" (docs/web.md, first run). */
  checkTokenService = async (): Promise<void> => {
    this.state.tokenService = 'checking';
    this.render();
    this.state.tokenService = await probeTokenService(this.config.auth.authority);
    if (this.state.tokenService === 'unreachable') {
      this.focusTarget = '#token-service-help';
      announce('The sign-in service cannot be reached from this browser. Follow the steps on the page.');
    }
    this.render();
  };

  signIn = async (loginHint?: string): Promise<void> => {
    sessionStorage.setItem(RETURN_TO, window.location.pathname);
    try {
      await this.auth.signIn(loginHint);
    } catch {
      // MSAL fails before leaving the page when it cannot read the authority's metadata.
      this.state.tokenService = 'unreachable';
      this.focusTarget = '#token-service-help';
      announce(
        'Sign-in could not start: the sign-in service cannot be reached. Follow the steps on the page.',
      );
      this.render();
    }
  };

  signOut = () => this.auth.signOut();

  /** The user's identity and roles: which controls to offer (the services still enforce every rule). */
  loadMe = () =>
    this.run('Read my profile', { place: 'list' }, async (call) => {
      const res = await call<Me>('GET', '/api/me');
      this.state.me = res.data;
      return `${res.data.name ?? res.data.username ?? res.data.oid}${res.data.roles.length ? ` (${res.data.roles.join(', ')})` : ''}`;
    });

  loadProgrammes = () =>
    this.run('List programmes', { place: 'list' }, async (call) => {
      const res = await call<unknown>('GET', '/api/programmes');
      this.state.programmes = listOf<Programme>(res.data, 'programmes');
      return `${this.state.programmes.length} programmes`;
    });

  /** Opens a programme and gives it its address (`/programmes/<id>`), unless following one already. */
  open = (id: string, options: { push?: boolean; focus?: boolean } = {}) =>
    this.run(
      'Open programme',
      {
        place: 'detail',
        what: 'this programme',
        ...(options.focus === false ? {} : { focus: '#detail-heading' }),
      },
      async (call) => {
        if (options.push !== false) navigate({ kind: 'programme', id });
        this.state.notFound = undefined;
        try {
          const [programme, documents] = await Promise.all([
            call<Programme>('GET', `/api/programmes/${enc(id)}`),
            call<unknown>('GET', `/api/programmes/${enc(id)}/documents`),
          ]);
          this.upsert(programme.data);
          this.state.documents = listOf<DocumentMeta>(documents.data, 'documents');
          return `${programme.data.name}: ${this.state.documents.length} documents`;
        } catch (error) {
          if (error instanceof BffProblem && error.status === 404) {
            this.state.selected = undefined;
            this.state.documents = [];
            this.state.quote = undefined;
            this.state.notFound = id;
          }
          throw error;
        }
      },
    );

  /** Back to the list (the address `/`). */
  close = () => {
    navigate({ kind: 'home' });
    this.state.selected = undefined;
    this.state.notFound = undefined;
    this.state.errors.detail = undefined;
    this.focusTarget = '#programmes-heading';
    this.render();
  };

  create = (input: NewProgramme) =>
    this.run(
      'Create programme',
      {
        place: 'create',
        focus: '#detail-heading',
        idempotency: { action: 'create', input: JSON.stringify(input) },
      },
      async (call, _record, key) => {
        const res = await call<Programme>('POST', '/api/programmes', { body: input, idempotencyKey: key });
        this.state.programmes = [res.data, ...this.state.programmes.filter((p) => p.id !== res.data.id)];
        this.select(res.data);
        this.state.documents = [];
        this.state.notFound = undefined;
        this.state.draft = { ...EMPTY_DRAFT };
        navigate({ kind: 'programme', id: res.data.id });
        return `created ${res.data.name}`;
      },
    );

  submit = (id: string) =>
    this.run(
      'Submit programme',
      {
        place: 'detail',
        what: 'this programme',
        focus: '#detail-heading',
        idempotency: { action: `submit:${id}`, input: id },
      },
      async (call, _record, key) => {
        const res = await call<Programme>('POST', `/api/programmes/${enc(id)}/submit`, {
          idempotencyKey: key,
        });
        this.upsert(res.data);
        return `${res.data.name} is ${res.data.status}`;
      },
    );

  getQuote = (id: string) =>
    this.run('Get quote', { place: 'detail', what: 'this programme', focus: '#quote' }, async (call) => {
      const res = await call<{ programme: Programme; quote: Quote }>(
        'GET',
        `/api/programmes/${enc(id)}/quote`,
      );
      this.upsert(res.data.programme);
      this.state.quote = res.data.quote;
      return `premium ${res.data.quote.premium.toLocaleString('en-GB')} ${res.data.quote.currency}`;
    });

  /**
   * Approval needs a multi-factor token: a claims challenge sends the user through the step-up (a
   * redirect), and `start()` calls this again with the new token and the challenged request's id.
   */
  approve = (id: string, stepUp?: StepUpResult) =>
    this.run(
      stepUp === undefined ? 'Approve' : 'Approve (after step-up)',
      {
        place: 'detail',
        what: 'this programme',
        focus: '#detail-heading',
        idempotency: { action: `approve:${id}`, input: id },
      },
      async (call, record, key) => {
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
          const res = await call<Programme>('POST', path, {
            idempotencyKey: key,
            ...(stepUp?.token === undefined ? {} : { accessToken: stepUp.token }),
          });
          this.upsert(res.data);
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
      },
    );

  /** The file chosen for upload (the Upload button is enabled only with one). */
  choose = (file: File | undefined) => {
    this.state.chosenFile = file;
    this.state.errors.upload = undefined;
  };

  upload = (id: string, file: File) =>
    this.run(
      'Upload document',
      {
        place: 'upload',
        what: 'this programme',
        focus: '#documents-heading',
        idempotency: {
          action: `upload:${id}`,
          input: `${file.name}|${file.size}|${file.lastModified}|${file.type}`,
        },
      },
      async (call, _record, key) => {
        const form = new FormData();
        form.append('file', file, file.name);
        const res = await call<DocumentMeta>('POST', `/api/programmes/${enc(id)}/documents`, {
          form,
          idempotencyKey: key,
        });
        this.state.documents = [...this.state.documents.filter((d) => d.id !== res.data.id), res.data];
        this.state.chosenFile = undefined;
        return `uploaded ${res.data.fileName}`;
      },
    );

  download = (doc: DocumentMeta) =>
    this.run('Download document', { place: `document:${doc.id}`, what: 'this document' }, async (call) => {
      const res = await call<Blob>(
        'GET',
        `/api/programmes/${enc(doc.programmeId)}/documents/${enc(doc.id)}`,
        {
          as: 'blob',
        },
      );
      const url = URL.createObjectURL(res.data);
      const link = Object.assign(document.createElement('a'), { href: url, download: doc.fileName });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return `downloaded ${doc.fileName} (${res.data.size} bytes)`;
    });

  /** Delete asks first: the row shows a confirmation, focus on its "Keep" button. */
  askDelete = (doc: DocumentMeta | undefined) => {
    this.state.confirmDelete = doc?.id;
    this.focusTarget = doc === undefined ? undefined : `[data-testid="cancel-delete"]`;
    this.render();
  };

  remove = (doc: DocumentMeta) =>
    this.run(
      'Delete document',
      { place: `document:${doc.id}`, what: 'this document', focus: '#documents-heading' },
      async (call) => {
        this.state.confirmDelete = undefined;
        await call<void>('DELETE', `/api/programmes/${enc(doc.programmeId)}/documents/${enc(doc.id)}`);
        this.state.documents = this.state.documents.filter((d) => d.id !== doc.id);
        return `deleted ${doc.fileName}`;
      },
    );

  /** A person's name where the chain knows it (the signed-in user, the local tenant's demo users). */
  nameOf(oid: string): string | undefined {
    if (oid === this.state.me?.oid) return `${this.state.me.name ?? this.state.me.username ?? 'you'} (you)`;
    return this.config.demoUsers.find((u) => u.oid === oid)?.displayName;
  }

  /**
   * The member role that decides which controls are offered: `Underwriter` in the roles of /api/me, or the
   * demo user's role of the local tenant (where the Underwriter app role is assigned on program-service).
   * `undefined` = unknown: every control is offered and the services decide.
   */
  get role(): 'underwriter' | 'broker' | undefined {
    const me = this.state.me;
    if (me === undefined) return undefined;
    if (me.roles.some((r) => r.toLowerCase() === 'underwriter')) return 'underwriter';
    const username = (me.username ?? this.auth.user?.username ?? '').toLowerCase();
    const demo = this.config.demoUsers.find((u) => u.username.toLowerCase() === username);
    if (demo?.role === 'underwriter') return 'underwriter';
    if (demo?.role === 'broker' || me.roles.some((r) => r.toLowerCase() === 'broker')) return 'broker';
    return undefined;
  }

  /** The signed-in user created `oid`'s thing (unknown user → true: the service decides). */
  owns(ownerOid: string): boolean {
    return this.state.me === undefined || this.state.me.oid === ownerOid;
  }

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

  /** Follows an address: opens the programme it names, or shows the list. */
  private async follow(route: Route, focus = true): Promise<void> {
    if (route.kind === 'programme') {
      if (this.state.selected?.id !== route.id) await this.open(route.id, { push: false, focus });
      return;
    }
    this.state.selected = undefined;
    this.state.notFound = undefined;
    this.render();
  }

  /**
   * Runs an action, records each request's correlation id, then fetches the chain traces for them. A
   * failure is shown beside the control (`place`) in plain words and announced; the inspector keeps the
   * technical answer. Writes carry the action's Idempotency-Key, kept until the action succeeds.
   */
  private async run(
    label: string,
    options: ActionOptions,
    body: (call: Call, record: ActionRecord, idempotencyKey?: string) => Promise<string>,
  ): Promise<void> {
    const record: ActionRecord = { id: this.nextId++, label, at: new Date(), requests: [] };
    this.state.actions = [record, ...this.state.actions].slice(0, 20);
    this.state.shownActionId = record.id;
    this.state.busy = label;
    this.state.errors[options.place] = undefined;
    this.render();
    const call: Call = (method, path, req) =>
      this.bff.request(method, path, req, (sent) => record.requests.push(sent));
    const { idempotency } = options;
    const key =
      idempotency === undefined ? undefined : this.keys.keyFor(idempotency.action, idempotency.input);
    try {
      record.outcome = await body(call, record, key);
      if (idempotency !== undefined) this.keys.settle(idempotency.action);
      this.focusTarget = options.focus;
      announce(`${label}: done. ${record.outcome}`);
    } catch (error) {
      record.error = describe(error);
      const message = userMessage(error, options.what);
      this.state.errors[options.place] = message;
      this.focusTarget =
        message.field === undefined ? `#error-${cssId(options.place)}` : `[name="${message.field}"]`;
      announce(message.message);
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
    if (this.state.selected?.id !== programme.id) {
      this.state.quote = undefined;
      this.state.chosenFile = undefined;
      this.state.confirmDelete = undefined;
    }
    this.state.selected = programme;
  }

  /** The newest copy of a programme, in the detail and in the list alike (one status everywhere). */
  private upsert(programme: Programme): void {
    this.state.programmes = this.state.programmes.map((p) => (p.id === programme.id ? programme : p));
    this.select(programme);
  }
}

/** The id of the element showing a place's error (`document:<id>` → `document-<id>`). */
export function cssId(place: Place): string {
  return place.replace(/[^A-Za-z0-9_-]/g, '-');
}

/** Says `text` through the page's live region (index.html `#announcer`), also when it repeats. */
function announce(text: string): void {
  const region = document.getElementById('announcer');
  if (region === null) return;
  region.textContent = '';
  setTimeout(() => (region.textContent = text), 50);
}

function navigate(route: Route): void {
  const path = pathOf(route);
  if (window.location.pathname !== path) window.history.pushState(null, '', path);
}

/**
 * After MSAL handled a redirect (sign-in, sign-out, step-up), the address still carries its `code` or
 * `state`: replace it with the page the user was on (`returnTo`) or the bare path.
 */
function cleanAddress(returnTo: string | undefined): void {
  const { pathname, search, hash } = window.location;
  const leftovers = /[?#&](code|state|error|session_state|client_info)=/.test(search + hash);
  const target = returnTo !== undefined && routeOf(returnTo).kind === 'programme' ? returnTo : pathname;
  if (leftovers || target !== pathname) window.history.replaceState(null, '', target);
}

/** A selector that finds "the same" control after a render (the DOM is rebuilt on every render). */
function focusKey(el: Element | null): string | undefined {
  if (!(el instanceof HTMLElement) || el === document.body) return undefined;
  if (el.id !== '') return `#${CSS.escape(el.id)}`;
  const attrs = ['data-testid', 'name', 'data-programme', 'data-user', 'data-document-action']
    .map((a) => [a, el.getAttribute(a)] as const)
    .filter(([, v]) => v !== null)
    .map(([a, v]) => `[${a}="${CSS.escape(v ?? '')}"]`);
  return attrs.length === 0 ? undefined : `${el.tagName.toLowerCase()}${attrs.join('')}`;
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
