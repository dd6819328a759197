import { discoveryUrlProblem } from './custom-oidc.client.js';

describe('discoveryUrlProblem (custom OIDC providers: what the server may fetch)', () => {
  it('accepts https, and http to the loopback only when the operator allows it', () => {
    expect(discoveryUrlProblem('https://id.example.com/.well-known/openid-configuration', false)).toBeNull();
    expect(discoveryUrlProblem('http://127.0.0.1:14071/.well-known/openid-configuration', true)).toBeNull();
    expect(discoveryUrlProblem('http://[::1]:8080/x', true)).toBeNull();
    expect(discoveryUrlProblem('http://localhost/x', true)).toBeNull();
    expect(discoveryUrlProblem('http://127.0.0.1:14071/x', false)).toBe('must be https');
  });

  it('refuses plain http elsewhere, other schemes, credentials, fragments and junk', () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.5/x',
      'http://127.0.0.1.nip.io/x',
      'http://localhost.evil.test/x',
    ]) {
      expect([url, discoveryUrlProblem(url, true)]).toEqual([url, expect.stringMatching(/^must be https/)]);
    }
    expect(discoveryUrlProblem('file:///etc/passwd', true)).toMatch(/^must be https/);
    expect(discoveryUrlProblem('gopher://127.0.0.1:6379/_x', true)).toMatch(/^must be https/);
    expect(discoveryUrlProblem('https://user:pw@id.example.com/x', false)).toBe('must not carry credentials');
    expect(discoveryUrlProblem('https://id.example.com/x#frag', false)).toBe('must not have a fragment');
    expect(discoveryUrlProblem('not a url', false)).toBe('must be an absolute URL');
  });
});
