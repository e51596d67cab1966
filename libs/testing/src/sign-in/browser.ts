import { formPost, harnessRequest, type HarnessResponse } from '../http/http-request';
import { CookieJar } from './cookie-jar';
import type { HtmlForm } from './html-form';

/** A minimal browser for the emulator's pages: keeps cookies, resolves relative URLs, never follows redirects itself. */
export class FormBrowser {
  private readonly jar = new CookieJar();
  private current = '';

  constructor(private readonly caPem: string) {}

  get url(): string {
    return this.current;
  }

  async get(url: string): Promise<HarnessResponse> {
    this.current = url;
    return this.remember(
      await harnessRequest(url, { ca: this.caPem, headers: { accept: 'text/html', ...this.jar.header() } }),
    );
  }

  /** Submits `form` with its own fields (hidden `tx`, …) plus `values`, like a click on its button. */
  async submit(form: HtmlForm, values: Readonly<Record<string, string>>): Promise<HarnessResponse> {
    const target = new URL(form.action || this.current, this.current).href;
    const { body, headers } = formPost({ ...form.fields, ...values });
    this.current = target;
    const res = await harnessRequest(target, {
      method: 'POST',
      ca: this.caPem,
      body,
      headers: { ...headers, accept: 'text/html', origin: new URL(target).origin, ...this.jar.header() },
    });
    return this.remember(res);
  }

  private remember(res: HarnessResponse): HarnessResponse {
    this.jar.store(res.headers);
    return res;
  }
}
