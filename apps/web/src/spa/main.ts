import { broadcastResponseToMainFrame } from '@azure/msal-browser/redirect-bridge';

import type { SpaConfig } from '../shared/spa-config';
import { BffClient } from './api/bff-client';
import { App } from './app';
import { MsalAuth } from './auth/msal-auth';
import { h } from './ui/dom';

/**
 * msal-browser v5 sends popup and silent-iframe responses through a redirect bridge: the redirect URI,
 * loaded in the popup or iframe, hands the response to the main window. The registered redirect URI is
 * this page, so it plays the bridge when it is not the top-level window.
 */
function isBridge(): boolean {
  const hasResponse = /[?#&](code|error)=/.test(window.location.search + window.location.hash);
  return hasResponse && (window.parent !== window || window.opener !== null);
}

async function boot(root: HTMLElement): Promise<void> {
  if (isBridge()) return broadcastResponseToMainFrame();
  const res = await fetch('/spa-config.json');
  if (!res.ok) throw new Error(`GET /spa-config.json answered ${res.status}`);
  const config = (await res.json()) as SpaConfig;
  const auth = await MsalAuth.start(config);
  const app = new App(root, config, auth, new BffClient(config.bffUrl, () => auth.accessToken()));
  await app.start();
}

const root = document.getElementById('app') as HTMLElement;
boot(root).catch((error: unknown) => {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  root.replaceChildren(
    h(
      'main',
      { class: 'card signin' },
      h('h2', {}, 'The portal could not start'),
      h('p', { class: 'error', 'data-testid': 'boot-error' }, message),
      h(
        'p',
        { class: 'muted' },
        'Is the token service reachable and its certificate trusted? See docs/web.md.',
      ),
    ),
  );
});
