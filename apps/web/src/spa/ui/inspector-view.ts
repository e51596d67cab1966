import type { ActionRecord, App } from '../app';
import { chainDiagram, shortPath } from '../inspector/chain-diagram';
import { h } from './dom';

/** The inspector panel: the legend, the shown action with one diagram per BFF request, the history. */
export function inspector(app: App): (HTMLElement | false)[] {
  const { actions, shownActionId } = app.state;
  const shown = actions.find((a) => a.id === shownActionId) ?? actions[0];
  return [
    h('div', { class: 'row' }, h('h2', {}, 'Call chain'), legend(app)),
    shown === undefined
      ? h('p', { class: 'muted' }, 'Each action draws the hops it caused here.')
      : actionView(app, shown),
    actions.length > 1 &&
      h(
        'nav',
        { class: 'history', 'aria-label': 'Earlier actions' },
        actions.map((a) =>
          h(
            'button',
            { class: a.id === shown?.id ? 'link active' : 'link', onclick: () => app.show(a.id) },
            `${a.at.toLocaleTimeString('en-GB')} ${a.label}`,
          ),
        ),
      ),
  ];
}

/** The flows this mode draws: B2C has verified delegation where the others have on-behalf-of. */
function legend(app: App): HTMLElement {
  const carriesUser =
    app.config.identityMode === 'b2c'
      ? h('span', { class: 'key key--vd' }, 'verified delegation: the app + a user proof it signs')
      : h('span', { class: 'key key--obo' }, 'on-behalf-of: carries the user');
  return h(
    'span',
    { class: 'legend' },
    h('span', { class: 'key key--user' }, "user sign-in: the user's own token"),
    carriesUser,
    h('span', { class: 'key key--cc' }, 'client credentials: the app itself'),
  );
}

function actionView(app: App, action: ActionRecord): HTMLElement {
  const ctx = { applications: app.config.applications, spaScopes: app.config.auth.scopes };
  return h(
    'div',
    { class: 'action', 'data-action': action.label, 'data-done': action.done === true ? 'true' : 'false' },
    h(
      'p',
      { class: action.error ? 'outcome error' : 'outcome' },
      h('strong', {}, action.label),
      ' — ',
      action.error ?? action.outcome ?? 'running',
    ),
    action.traceNote && h('p', { class: 'muted' }, action.traceNote),
    action.requests.map((r) =>
      h(
        'div',
        { class: 'request' },
        h(
          'p',
          { class: 'request__title' },
          h('code', {}, `${r.method} ${shortPath(r.path)}`),
          ` · x-correlation-id ${r.correlationId}`,
        ),
        r.note !== undefined && h('p', { class: 'request__note' }, r.note),
        r.trace
          ? chainDiagram(r.trace, ctx, r.token)
          : h('p', { class: 'muted' }, action.done ? 'No trace recorded.' : 'Waiting for the trace…'),
      ),
    ),
  );
}
