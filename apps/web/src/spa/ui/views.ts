import type { DocumentMeta, Programme, Quote } from '../api/domain';
import { CURRENCIES, LINES_OF_BUSINESS, REGIONS } from '../api/domain';
import { type App, cssId, type Draft, type Place } from '../app';
import { h } from './dom';
import { MODE_LABEL, modeSummary } from './identity-mode';
import { inspector } from './inspector-view';
import { FIELD_LABELS } from './messages';

export function renderApp(app: App): HTMLElement {
  const user = app.auth.user;
  return h(
    'div',
    { class: 'shell' },
    h(
      'header',
      { class: 'topbar' },
      h('h1', {}, 'Broker portal'),
      h(
        'span',
        { class: 'mode', 'data-testid': 'identity-mode', 'data-mode': app.config.identityMode },
        MODE_LABEL[app.config.identityMode] ?? app.config.identityMode,
      ),
      h('span', { class: 'muted tenant' }, app.config.tenantName ?? ''),
      h('span', { class: 'spacer' }),
      user &&
        h(
          'span',
          { class: 'who', 'data-testid': 'signed-in-user' },
          user.name,
          h(
            'small',
            {},
            user.identityProvider === undefined
              ? user.username
              : `${user.username} · via ${user.identityProvider}`,
          ),
        ),
      user && h('button', { 'data-testid': 'sign-out', onclick: () => void app.signOut() }, 'Sign out'),
    ),
    user === null ? signInView(app) : workspace(app),
  );
}

/** The error of `place`, beside its control: a plain sentence, focusable, referenced by the control. */
function errorOf(app: App, place: Place): HTMLElement | false {
  const error = app.state.errors[place];
  return (
    error !== undefined &&
    h(
      'p',
      {
        class: 'field-error',
        id: `error-${cssId(place)}`,
        'data-testid': `error-${cssId(place)}`,
        tabindex: -1,
      },
      error.message,
    )
  );
}

/** aria attributes of a field that the error of `place` is about. */
function invalidIf(app: App, place: Place, field: string): Record<string, string | undefined> {
  const error = app.state.errors[place];
  return error?.field === field
    ? { 'aria-invalid': 'true', 'aria-describedby': `error-${cssId(place)}` }
    : {};
}

function signInView(app: App): HTMLElement {
  const state = app.state.tokenService;
  const unreachable = state === 'unreachable';
  return h(
    'main',
    { class: 'signin card', id: 'main', tabindex: -1 },
    h('h2', {}, 'Sign in'),
    h('p', {}, 'Sign in at the identity provider (authorization code + PKCE, MSAL Browser redirect flow).'),
    h('p', { class: 'muted', 'data-testid': 'mode-summary' }, modeSummary(app.config)),
    unreachable && tokenServiceHelp(app),
    h(
      'div',
      { class: 'users' },
      app.config.demoUsers.map((u) =>
        h(
          'button',
          {
            class: 'primary',
            'data-user': u.username,
            disabled: unreachable,
            onclick: () => void app.signIn(u.username),
          },
          `Sign in as ${u.displayName}`,
          h('small', {}, u.identityProvider === undefined ? u.role : `${u.role} · ${u.identityProvider}`),
        ),
      ),
      h(
        'button',
        { disabled: unreachable, onclick: () => void app.signIn() },
        'Sign in with another account',
      ),
    ),
    state === 'checking' && h('p', { class: 'muted', role: 'status' }, 'Checking the sign-in service…'),
  );
}

/**
 * The token service could not be reached before sign-in: down, or (the usual first-run case) its
 * certificate is not trusted by this browser. What to do, for each (docs/web.md).
 */
function tokenServiceHelp(app: App): HTMLElement {
  const authority = new URL(app.config.auth.authority).origin;
  const emulator = app.config.emulatorUrl;
  const cmd = (text: string) => h('code', {}, text);
  return h(
    'section',
    {
      class: 'help',
      id: 'token-service-help',
      'data-testid': 'token-service-help',
      tabindex: -1,
      'aria-labelledby': 'token-service-help-title',
    },
    h('h3', { id: 'token-service-help-title' }, 'This browser cannot reach the sign-in service'),
    h(
      'p',
      {},
      'The sign-in service at ',
      h('strong', {}, authority),
      ' did not answer this page. Either it is not running, or this browser does not trust its certificate.',
    ),
    emulator === undefined
      ? h(
          'p',
          {},
          'Check your network connection, or ask your administrator whether the sign-in service is available.',
        )
      : h(
          'ol',
          {},
          h('li', {}, 'Is the local chain running? Start it with ', cmd('npm start'), '.'),
          h(
            'li',
            {},
            'Quickest: open ',
            h(
              'a',
              { href: `${emulator}/`, target: '_blank', rel: 'noopener', 'data-testid': 'emulator-link' },
              `${emulator}/`,
            ),
            ' in a new tab, accept the certificate warning once ("Advanced → Proceed"), then come back and press "Try again".',
          ),
          h(
            'li',
            {},
            'Or trust the local certificate authority ',
            cmd('.local/emulator/ca.pem'),
            ' (also served at ',
            h('a', { href: `${emulator}/ca.pem` }, `${emulator}/ca.pem`),
            '):',
            h(
              'ul',
              { class: 'commands' },
              h(
                'li',
                {},
                'Linux, Chrome/Chromium: ',
                cmd(
                  'certutil -d sql:$HOME/.pki/nssdb -A -t "C,," -n entra-api-chain-local -i .local/emulator/ca.pem',
                ),
              ),
              h(
                'li',
                {},
                'macOS: ',
                cmd(
                  'security add-trusted-cert -r trustRoot -k ~/Library/Keychains/login.keychain-db .local/emulator/ca.pem',
                ),
              ),
              h('li', {}, 'Windows: ', cmd('certutil -user -addstore Root .local\\emulator\\ca.pem')),
              h(
                'li',
                {},
                'Firefox: Settings → Privacy & Security → Certificates → View Certificates → Authorities → Import.',
              ),
            ),
            'Then restart the browser. docs/web.md, "Trusting the local token service", explains each option.',
          ),
        ),
    h(
      'button',
      { class: 'primary', 'data-testid': 'retry-token-service', onclick: () => void app.checkTokenService() },
      'Try again',
    ),
  );
}

function workspace(app: App): HTMLElement {
  const { state } = app;
  return h(
    'main',
    { class: 'workspace', id: 'main', tabindex: -1 },
    state.busy && h('div', { class: 'busy', role: 'status' }, `${state.busy}…`),
    h(
      'section',
      { class: 'card list', 'aria-labelledby': 'programmes-heading' },
      programmeList(app),
      openByReference(app),
      createForm(app),
    ),
    h(
      'section',
      { class: 'card detail', 'aria-label': 'Programme' },
      state.selected
        ? programmeDetail(app, state.selected)
        : state.notFound !== undefined
          ? notFound(app)
          : h('div', {}, errorOf(app, 'detail'), h('p', { class: 'muted' }, 'Select or create a programme.')),
    ),
    h(
      'section',
      { class: 'card inspector', 'data-testid': 'inspector', 'aria-label': 'Call chain' },
      inspector(app),
    ),
  );
}

function notFound(app: App): HTMLElement {
  return h(
    'div',
    { 'data-testid': 'not-found' },
    h('h2', { id: 'detail-heading', tabindex: -1 }, 'Programme not found'),
    h(
      'p',
      { id: 'error-detail', tabindex: -1 },
      'There is no programme at this address that you can see: it does not exist, or it belongs to another brokerage.',
    ),
    h('button', { onclick: () => app.close() }, 'Back to my programmes'),
  );
}

function programmeList(app: App): HTMLElement {
  const { programmes, selected } = app.state;
  const current = Math.max(
    0,
    programmes.findIndex((p) => p.id === selected?.id),
  );
  const list = h(
    'ul',
    { class: 'programmes', 'aria-label': 'Programmes (arrow keys move between them)' },
    programmes.map((p, i) =>
      h(
        'li',
        {},
        h(
          'a',
          {
            class: p.id === selected?.id ? 'link active' : 'link',
            href: `/programmes/${encodeURIComponent(p.id)}`,
            'data-programme': p.name,
            'aria-current': p.id === selected?.id ? 'page' : undefined,
            tabindex: i === current ? 0 : -1,
            onclick: (event: Event) => {
              event.preventDefault();
              void app.open(p.id);
            },
          },
          h('span', { class: 'link-name' }, p.name),
          h('span', { class: `badge badge--${p.status}`, 'data-testid': 'list-status' }, p.status),
        ),
        h('small', { class: 'muted' }, `${p.brokerage} · ${p.lineOfBusiness} · ${p.region}`),
      ),
    ),
  );
  // One tab stop for the list; arrow keys, Home and End move within it (WAI-ARIA APG, roving tabindex).
  list.addEventListener('keydown', (event) => {
    const links = Array.from(list.querySelectorAll<HTMLAnchorElement>('a.link'));
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    const to =
      event.key === 'ArrowDown'
        ? at + 1
        : event.key === 'ArrowUp'
          ? at - 1
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? links.length - 1
              : undefined;
    if (to === undefined || at < 0) return;
    event.preventDefault();
    const next = links[Math.min(links.length - 1, Math.max(0, to))];
    if (next === undefined) return;
    links.forEach((l) => l.setAttribute('tabindex', l === next ? '0' : '-1'));
    next.focus();
  });
  return h(
    'div',
    {},
    h(
      'div',
      { class: 'row' },
      h('h2', { id: 'programmes-heading', tabindex: -1 }, 'Programmes'),
      h('button', { 'data-testid': 'refresh', onclick: () => void app.loadProgrammes() }, 'Refresh'),
    ),
    errorOf(app, 'list'),
    programmes.length === 0 &&
      h(
        'p',
        { class: 'muted', 'data-testid': 'programmes-empty' },
        app.role === 'underwriter'
          ? 'No programmes are waiting for you: brokers submit them for approval.'
          : 'No programmes yet. Create the first one below.',
      ),
    list,
  );
}

/**
 * Opens a programme by its reference, as one pasted from an e-mail: the way to ask for a programme the
 * list does not show (another brokerage's), which program-service then answers with 404.
 */
function openByReference(app: App): HTMLElement {
  const input = h('input', {
    id: 'reference',
    name: 'reference',
    required: true,
    value: app.state.reference,
    autocomplete: 'off',
    ...invalidIf(app, 'open', 'reference'),
  });
  input.addEventListener('input', () => (app.state.reference = input.value));
  const form = h(
    'form',
    { class: 'open-by-reference', 'aria-label': 'Open by reference' },
    h('label', { for: 'reference' }, 'Programme reference'),
    h(
      'div',
      { class: 'row' },
      input,
      h('button', { type: 'submit', 'data-testid': 'open-by-reference' }, 'Open'),
    ),
    errorOf(app, 'open'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const reference = input.value.trim();
    if (reference !== '') void app.open(reference);
  });
  return form;
}

function createForm(app: App): HTMLElement {
  if (app.role === 'underwriter')
    return h(
      'div',
      { class: 'create', 'data-testid': 'create-unavailable' },
      h('h3', {}, 'New programme'),
      h('p', { class: 'muted' }, 'Underwriters review and approve programmes; brokers create them.'),
    );
  const { draft } = app.state;
  const field = (name: keyof Draft, control: HTMLElement) =>
    h('label', {}, FIELD_LABELS[name] ?? name, control);
  const select = (name: keyof Draft, values: readonly string[]) =>
    h(
      'select',
      { name, ...invalidIf(app, 'create', name) },
      values.map((v) => h('option', { value: v, selected: v === draft[name] }, v)),
    );
  const form = h(
    'form',
    { class: 'create', 'aria-labelledby': 'create-heading', novalidate: true },
    h('h3', { id: 'create-heading' }, 'New programme'),
    field(
      'name',
      h('input', {
        name: 'name',
        required: true,
        maxlength: 200,
        value: draft.name,
        ...invalidIf(app, 'create', 'name'),
      }),
    ),
    field('lineOfBusiness', select('lineOfBusiness', LINES_OF_BUSINESS)),
    field('region', select('region', REGIONS)),
    field(
      'insuredValue',
      h('input', {
        name: 'insuredValue',
        inputmode: 'decimal',
        required: true,
        value: draft.insuredValue,
        ...invalidIf(app, 'create', 'insuredValue'),
      }),
    ),
    field('currency', select('currency', CURRENCIES)),
    h('button', { class: 'primary', type: 'submit' }, 'Create programme'),
    errorOf(app, 'create'),
  );
  const read = () => {
    const data = new FormData(form);
    for (const name of Object.keys(draft) as (keyof Draft)[]) {
      const value = data.get(name);
      draft[name] = typeof value === 'string' ? value : '';
    }
  };
  form.addEventListener('input', read);
  form.addEventListener('change', read);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    read();
    const amount = draft.insuredValue.replace(/[\s,_]/g, '');
    void app.create({
      name: draft.name,
      lineOfBusiness: draft.lineOfBusiness,
      region: draft.region,
      insuredValue: amount === '' ? Number.NaN : Number(amount),
      currency: draft.currency,
    });
  });
  return form;
}

function programmeDetail(app: App, p: Programme): HTMLElement {
  const quote = app.state.quote;
  const role = app.role;
  const owner = app.nameOf(p.ownerOid);
  return h(
    'div',
    { 'data-testid': 'programme-detail' },
    h(
      'div',
      { class: 'row' },
      h('h2', { id: 'detail-heading', tabindex: -1 }, p.name),
      h('span', { class: `badge badge--${p.status}`, 'data-testid': 'status' }, p.status),
      h('span', { class: 'spacer' }),
      h('button', { class: 'quiet', onclick: () => app.close() }, 'Back to list'),
    ),
    h(
      'dl',
      { class: 'facts' },
      [
        ['Reference', p.id],
        ['Brokerage', p.brokerage],
        ['Created by', owner],
        ['Line of business', p.lineOfBusiness],
        ['Region', p.region],
        ['Insured value', `${p.insuredValue.toLocaleString('en-GB')} ${p.currency}`],
        [
          'Approved by',
          p.approvedBy === undefined ? undefined : (app.nameOf(p.approvedBy) ?? 'an underwriter'),
        ],
      ]
        .filter(([, v]) => v !== undefined)
        .flatMap(([k, v]) => [h('dt', {}, k), h('dd', { 'data-fact': k }, v)]),
    ),
    h(
      'div',
      { class: 'actions' },
      p.status === 'draft' &&
        (app.owns(p.ownerOid)
          ? h(
              'button',
              { 'data-testid': 'submit', onclick: () => void app.submit(p.id) },
              'Submit for approval',
            )
          : h(
              'span',
              { class: 'muted', 'data-testid': 'submit-unavailable' },
              `Only ${owner ?? 'the broker who created it'} can submit this draft.`,
            )),
      h('button', { 'data-testid': 'get-quote', onclick: () => void app.getQuote(p.id) }, 'Get quote'),
      p.status === 'submitted' &&
        (role === 'broker'
          ? h(
              'span',
              { class: 'muted', 'data-testid': 'approve-unavailable' },
              'Waiting for an underwriter to approve it.',
            )
          : h(
              'button',
              { class: 'primary', 'data-testid': 'approve', onclick: () => void app.approve(p.id) },
              'Approve',
            )),
    ),
    errorOf(app, 'detail'),
    quote && quoteView(quote),
    documentsView(app, p),
  );
}

/** The premium and how it was reached: insured value × rate, or the line's minimum premium when higher. */
function quoteView(quote: Quote): HTMLElement {
  const money = (n: number) =>
    `${n.toLocaleString('en-GB', { minimumFractionDigits: 0, maximumFractionDigits: 2 })} ${quote.currency}`;
  const byRate = Math.round(quote.insuredValue * quote.ratePerMille * 100) / 100000;
  const minimumApplies = quote.premium > byRate + 0.005;
  return h(
    'div',
    { class: 'quote', id: 'quote', tabindex: -1, 'data-testid': 'quote' },
    h('p', {}, 'Quote: ', h('strong', {}, money(quote.premium))),
    h(
      'dl',
      { class: 'facts breakdown', 'data-testid': 'quote-breakdown' },
      h('dt', {}, 'Rate'),
      h('dd', {}, `${quote.ratePerMille} per mille (${quote.lineOfBusiness}, ${quote.region})`),
      h('dt', {}, 'Insured value × rate'),
      h('dd', {}, money(byRate)),
      h('dt', {}, 'Premium'),
      h(
        'dd',
        { 'data-testid': 'quote-basis' },
        minimumApplies
          ? `${money(quote.premium)}: the minimum premium for ${quote.lineOfBusiness}, which is more than insured value × rate`
          : `${money(quote.premium)}: insured value × rate (above the minimum premium)`,
      ),
    ),
  );
}

function documentsView(app: App, p: Programme): HTMLElement {
  const chosen = app.state.chosenFile;
  const input = h('input', {
    type: 'file',
    name: 'file',
    id: 'document-file',
    accept: '.pdf,.png,.jpg,.jpeg,.txt,.csv,.docx,.xlsx',
    ...invalidIf(app, 'upload', 'file'),
  });
  if (chosen !== undefined) {
    // Keep the chosen file across renders (the input is rebuilt each time).
    const transfer = new DataTransfer();
    transfer.items.add(chosen);
    input.files = transfer.files;
  }
  const button = h(
    'button',
    {
      'data-testid': 'upload',
      disabled: chosen === undefined,
      // Reads the file at click time: the input may have changed since this render.
      onclick: () => {
        const file = app.state.chosenFile;
        if (file !== undefined) void app.upload(p.id, file);
      },
    },
    'Upload',
  );
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    app.choose(file);
    button.disabled = file === undefined;
  });
  const documents = app.state.documents;
  return h(
    'div',
    { class: 'documents' },
    h('h3', { id: 'documents-heading', tabindex: -1 }, 'Documents'),
    documents.length === 0
      ? h(
          'p',
          { class: 'muted', 'data-testid': 'documents-empty' },
          'No documents yet. Upload the schedule of values, a slip or a survey (PDF, image, text, CSV, Word or Excel).',
        )
      : h(
          'ul',
          {},
          documents.map((d) => documentRow(app, d)),
        ),
    h(
      'div',
      { class: 'upload' },
      h('label', { for: 'document-file' }, 'Add a document'),
      h('div', { class: 'row' }, input, button),
      errorOf(app, 'upload'),
    ),
  );
}

function documentRow(app: App, d: DocumentMeta): HTMLElement {
  const place: Place = `document:${d.id}`;
  const confirming = app.state.confirmDelete === d.id;
  const owner = app.nameOf(d.ownerOid);
  return h(
    'li',
    { 'data-document': d.fileName },
    h('span', { class: 'file-name' }, d.fileName),
    h(
      'small',
      { class: 'muted' },
      `${d.contentType} · ${sizeOf(d.size)}${owner === undefined ? '' : ` · ${owner}`}`,
    ),
    h(
      'span',
      { class: 'row' },
      h(
        'button',
        {
          'data-testid': 'download',
          'data-document-action': `download:${d.id}`,
          onclick: () => void app.download(d),
        },
        'Download',
      ),
      app.owns(d.ownerOid)
        ? !confirming &&
            h(
              'button',
              {
                'data-testid': 'delete',
                'data-document-action': `delete:${d.id}`,
                onclick: () => app.askDelete(d),
              },
              'Delete',
            )
        : h(
            'small',
            { class: 'muted', 'data-testid': 'delete-unavailable' },
            'Only the person who uploaded it can delete it.',
          ),
    ),
    confirming &&
      h(
        'div',
        {
          class: 'confirm',
          role: 'group',
          'aria-label': `Delete ${d.fileName}?`,
          'data-testid': 'delete-confirmation',
        },
        h('span', {}, `Delete ${d.fileName}? This cannot be undone.`),
        h(
          'button',
          { class: 'danger', 'data-testid': 'confirm-delete', onclick: () => void app.remove(d) },
          'Delete',
        ),
        h('button', { 'data-testid': 'cancel-delete', onclick: () => app.askDelete(undefined) }, 'Keep it'),
      ),
    errorOf(app, place),
  );
}

function sizeOf(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
