import { formatEnv, parseEnv } from './env-file';

describe('env files', () => {
  it('reads KEY=value lines, comments, export and quotes as Compose writes them', () => {
    const text = [
      '# the BFF',
      'export HOST=0.0.0.0',
      'PORT = 3000',
      "NAME='a # b'",
      'KEY="line1\\nline2"',
      'PLAIN=x # note',
      '',
    ].join('\n');
    expect(parseEnv(text, 'bff.env')).toEqual({
      HOST: '0.0.0.0',
      PORT: '3000',
      NAME: 'a # b',
      KEY: 'line1\nline2',
      PLAIN: 'x',
    });
  });

  it('names the file and line of a line that is not KEY=value', () => {
    expect(() => parseEnv('A=1\nnot a variable\n', 'bff.env')).toThrow('bff.env:2: not a KEY=value line');
  });

  it('writes what it reads back, a PEM key included', () => {
    const env = {
      AUTH_DELEGATION_SIGNING_KEY: '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n',
      SCOPES: 'a b',
      URL: 'http://x',
    };
    expect(parseEnv(formatEnv(env), 'x.env')).toEqual(env);
  });
});
