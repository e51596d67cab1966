import { decodeEntities, linkHref, pageError, parseForm } from './html-form';

const LOGIN_PAGE = `<!doctype html><html><head><title>Sign in to your account</title></head><body>
<form method="post" action="/5f1c8e4a/oauth2/v2.0/authorize">
  <input type="hidden" name="tx" value="abc&amp;def">
  <input name='username' value="alice@contoso">
  <input name="password" type="password">
  <button id="sign-in" type="submit">Sign in</button>
</form></body></html>`;

describe('parseForm', () => {
  it('reads the action, the method and every named input of the first form', () => {
    expect(parseForm(LOGIN_PAGE)).toEqual({
      action: '/5f1c8e4a/oauth2/v2.0/authorize',
      method: 'post',
      fields: { tx: 'abc&def', username: 'alice@contoso', password: '' },
    });
  });

  it('finds no form on a page without one', () => {
    expect(parseForm('<html><body>Bad request</body></html>')).toBeUndefined();
  });
});

describe('pageError', () => {
  it('quotes the AADSTS message of an error page', () => {
    const page =
      '<p class="error">AADSTS50126: Error validating credentials due to invalid username or password.</p>';
    expect(pageError(page)).toBe(
      'AADSTS50126: Error validating credentials due to invalid username or password.',
    );
  });

  it('quotes an AADB2C message, else the alert paragraph of a page', () => {
    expect(pageError('<p class="error">AADB2C90054: Invalid username or password.</p>')).toBe(
      'AADB2C90054: Invalid username or password.',
    );
    expect(pageError('<title>x</title><p class="error" role="alert">google.com: wrong password</p>')).toBe(
      'google.com: wrong password',
    );
  });

  it('falls back to the page title', () => {
    expect(pageError(LOGIN_PAGE)).toBe('Sign in to your account');
  });
});

describe('decodeEntities', () => {
  it('decodes named, decimal and hexadecimal references', () => {
    expect(decodeEntities('&lt;a&gt; &quot;b&quot; &#39;c&#x27; &amp;amp;')).toBe(`<a> "b" 'c' &amp;`);
  });
});

describe('linkHref', () => {
  it('finds the link with an id and decodes its href', () => {
    const page =
      '<a href="/x">other</a><a class="idp" id="idp-google.com" href="/t/B2C_1_a/oauth2/v2.0/authorize?tx=a&amp;idp=google.com">Sign in with google.com</a>';
    expect(linkHref(page, 'idp-google.com')).toBe('/t/B2C_1_a/oauth2/v2.0/authorize?tx=a&idp=google.com');
    expect(linkHref(page, 'idp-facebook.com')).toBeUndefined();
  });
});
