import type { DocumentMeta, Programme } from '../api/domain';
import { CURRENCIES, LINES_OF_BUSINESS, REGIONS } from '../api/domain';
import type { App } from '../app';
import { h } from './dom';
import { MODE_LABEL, modeSummary } from './identity-mode';
import { inspector } from './inspector-view';

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
      h('span', { class: 'muted' }, app.config.tenantName ?? ''),
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

function signInView(app: App): HTMLElement {
  const emulator = app.config.emulatorUrl;
  return h(
    'main',
    { class: 'signin card' },
    h('h2', {}, 'Sign in'),
    h('p', {}, 'Sign in at the identity provider (authorization code + PKCE, MSAL Browser redirect flow).'),
    h('p', { class: 'muted', 'data-testid': 'mode-summary' }, modeSummary(app.config)),
    h(
      'div',
      { class: 'users' },
      app.config.demoUsers.map((u) =>
        h(
          'button',
          { class: 'primary', 'data-user': u.username, onclick: () => void app.signIn(u.username) },
          `Sign in as ${u.displayName}`,
          h('small', {}, u.identityProvider === undefined ? u.role : `${u.role} · ${u.identityProvider}`),
        ),
      ),
      h('button', { onclick: () => void app.signIn() }, 'Sign in with another account'),
    ),
    emulator &&
      h(
        'p',
        { class: 'muted' },
        'Local tenant: the token service at ',
        h('a', { href: emulator, target: '_blank', rel: 'noopener' }, emulator),
        ' uses a locally generated certificate authority. If sign-in reports a network or certificate error, open that link once and accept the certificate, or trust .local/emulator/ca.pem (see docs/web.md).',
      ),
  );
}

function workspace(app: App): HTMLElement {
  const { state } = app;
  return h(
    'main',
    { class: 'workspace' },
    state.busy && h('div', { class: 'busy', role: 'status' }, `${state.busy}…`),
    h('section', { class: 'card list' }, programmeList(app), openByReference(app), createForm(app)),
    h(
      'section',
      { class: 'card detail' },
      state.selected
        ? programmeDetail(app, state.selected)
        : h('p', { class: 'muted' }, 'Select or create a programme.'),
    ),
    h('section', { class: 'card inspector', 'data-testid': 'inspector' }, inspector(app)),
  );
}

function programmeList(app: App): HTMLElement {
  const { programmes, selected } = app.state;
  return h(
    'div',
    {},
    h(
      'div',
      { class: 'row' },
      h('h2', {}, 'Programmes'),
      h('button', { onclick: () => void app.loadProgrammes() }, 'Refresh'),
    ),
    programmes.length === 0 && h('p', { class: 'muted' }, 'No programmes visible to you yet.'),
    h(
      'ul',
      { class: 'programmes' },
      programmes.map((p) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              class: p.id === selected?.id ? 'link active' : 'link',
              'data-programme': p.name,
              onclick: () => void app.open(p.id),
            },
            h('span', {}, p.name),
            h('span', { class: `badge badge--${p.status}` }, p.status),
          ),
          h('small', { class: 'muted' }, `${p.brokerage} · ${p.lineOfBusiness} · ${p.region}`),
        ),
      ),
    ),
  );
}

/**
 * Opens a programme by its reference, as one pasted from an e-mail: the way to ask for a programme the
 * list does not show (another brokerage's), which program-service then answers with 404.
 */
function openByReference(app: App): HTMLElement {
  const input = h('input', {
    name: 'reference',
    required: true,
    placeholder: 'programme reference',
    'aria-label': 'Programme reference',
  });
  const form = h(
    'form',
    { class: 'open-by-reference row', 'aria-label': 'Open by reference' },
    input,
    h('button', { type: 'submit', 'data-testid': 'open-by-reference' }, 'Open'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const reference = input.value.trim();
    if (reference !== '') void app.open(reference);
  });
  return form;
}

function createForm(app: App): HTMLElement {
  const select = (name: string, values: readonly string[]) =>
    h(
      'select',
      { name },
      values.map((v) => h('option', { value: v }, v)),
    );
  const form = h(
    'form',
    { class: 'create', 'aria-label': 'New programme' },
    h('h3', {}, 'New programme'),
    h('label', {}, 'Name', h('input', { name: 'name', required: true, maxlength: 120 })),
    h('label', {}, 'Line of business', select('lineOfBusiness', LINES_OF_BUSINESS)),
    h('label', {}, 'Region', select('region', REGIONS)),
    h(
      'label',
      {},
      'Insured value',
      h('input', { name: 'insuredValue', type: 'number', min: 1, step: 1, required: true, value: 1000000 }),
    ),
    h('label', {}, 'Currency', select('currency', CURRENCIES)),
    h('button', { class: 'primary', type: 'submit' }, 'Create programme'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const field = (name: string) => {
      const value = data.get(name);
      return typeof value === 'string' ? value : '';
    };
    void app.create({
      name: field('name'),
      lineOfBusiness: field('lineOfBusiness'),
      region: field('region'),
      insuredValue: Number(field('insuredValue')),
      currency: field('currency'),
    });
  });
  return form;
}

function programmeDetail(app: App, p: Programme): HTMLElement {
  const quote = app.state.quote;
  return h(
    'div',
    { 'data-testid': 'programme-detail' },
    h(
      'div',
      { class: 'row' },
      h('h2', {}, p.name),
      h('span', { class: `badge badge--${p.status}`, 'data-testid': 'status' }, p.status),
    ),
    h(
      'dl',
      { class: 'facts' },
      [
        ['Reference', p.id],
        ['Brokerage', p.brokerage],
        ['Line of business', p.lineOfBusiness],
        ['Region', p.region],
        ['Insured value', `${p.insuredValue.toLocaleString('en-GB')} ${p.currency}`],
        ['Approved by', p.approvedBy],
      ]
        .filter(([, v]) => v !== undefined)
        .flatMap(([k, v]) => [h('dt', {}, k), h('dd', { 'data-fact': k }, v)]),
    ),
    h(
      'div',
      { class: 'actions' },
      p.status === 'draft' &&
        h('button', { 'data-testid': 'submit', onclick: () => void app.submit(p.id) }, 'Submit'),
      h('button', { 'data-testid': 'get-quote', onclick: () => void app.getQuote(p.id) }, 'Get quote'),
      p.status === 'submitted' &&
        h(
          'button',
          { class: 'primary', 'data-testid': 'approve', onclick: () => void app.approve(p.id) },
          'Approve',
        ),
    ),
    quote &&
      h(
        'p',
        { class: 'quote', 'data-testid': 'quote' },
        'Quote: ',
        h('strong', {}, `${quote.premium.toLocaleString('en-GB')} ${quote.currency}`),
        ` (${quote.ratePerMille} ‰ of ${quote.insuredValue.toLocaleString('en-GB')})`,
      ),
    documentsView(app, p),
  );
}

function documentsView(app: App, p: Programme): HTMLElement {
  const input = h('input', { type: 'file', name: 'file', 'aria-label': 'Document file' });
  return h(
    'div',
    { class: 'documents' },
    h('h3', {}, 'Documents'),
    h(
      'ul',
      {},
      app.state.documents.map((d: DocumentMeta) =>
        h(
          'li',
          { 'data-document': d.fileName },
          h('span', {}, d.fileName),
          h('small', { class: 'muted' }, `${d.contentType} · ${d.size} bytes`),
          h('button', { 'data-testid': 'download', onclick: () => void app.download(d) }, 'Download'),
          h('button', { 'data-testid': 'delete', onclick: () => void app.remove(d) }, 'Delete'),
        ),
      ),
    ),
    h(
      'div',
      { class: 'row' },
      input,
      h('button', { 'data-testid': 'upload', onclick: () => uploadChosen(app, p, input) }, 'Upload'),
    ),
  );
}

function uploadChosen(app: App, p: Programme, input: HTMLInputElement): void {
  const file = input.files?.[0];
  if (file !== undefined) void app.upload(p.id, file);
}
