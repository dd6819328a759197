import { PROVIDERS } from './provider-catalog.js';
import { endpointsOf, endpointUrlProblem, parseEndpointOverrides } from './provider-endpoints.js';

describe('OAUTH_PROVIDER_ENDPOINTS', () => {
  it('is empty when unset', () => {
    expect(parseEndpointOverrides(undefined)).toEqual({ overrides: {}, problems: [] });
    expect(parseEndpointOverrides('  ')).toEqual({ overrides: {}, problems: [] });
  });

  it('merges an override over the defaults', () => {
    const { overrides, problems } = parseEndpointOverrides(
      JSON.stringify({ google: { issuer: 'http://127.0.0.1:14071', tokenEndpoint: 'https://gw.example/token' } }),
    );
    expect(problems).toEqual([]);
    const e = endpointsOf('google', overrides);
    expect(e.issuer).toBe('http://127.0.0.1:14071');
    expect(e.tokenEndpoint).toBe('https://gw.example/token');
    expect(e.authorizationEndpoint).toBe(PROVIDERS.google.endpoints.authorizationEndpoint);
    expect(endpointsOf('github', overrides)).toEqual(PROVIDERS.github.endpoints);
  });

  it('takes https anywhere, http only to the loopback', () => {
    expect(endpointUrlProblem('https://idp.example/auth')).toBeNull();
    for (const ok of ['http://127.0.0.1:1/x', 'http://[::1]:2/x', 'http://localhost/x']) expect(endpointUrlProblem(ok)).toBeNull();
    for (const bad of ['http://idp.example/auth', 'http://10.0.0.1/x', 'ftp://127.0.0.1/', 'javascript:alert(1)'])
      expect(endpointUrlProblem(bad)).toMatch(/https/);
    expect(endpointUrlProblem('https://u:p@idp.example/')).toBe('must not carry credentials');
    expect(endpointUrlProblem('https://idp.example/#x')).toBe('must not have a fragment');
    expect(endpointUrlProblem('/relative')).toBe('must be an absolute URL');
    expect(endpointUrlProblem(42)).toBe('must be a URL string');
  });

  it('names every mistake at once', () => {
    const { problems } = parseEndpointOverrides(
      JSON.stringify({ myspace: {}, google: { issuer: 'http://evil.example', audience: 'x' }, github: 'https://x' }),
    );
    expect(problems).toEqual([
      'myspace: not a built-in provider',
      'google.issuer: must be https (http only to 127.0.0.1, [::1] or localhost)',
      'google.audience: unknown field (one of issuer, authorizationEndpoint, tokenEndpoint, userinfoEndpoint, jwksUri, apiBaseUrl)',
      'github: must be an object',
    ]);
    expect(parseEndpointOverrides('{').problems).toEqual(['is not valid JSON']);
    expect(parseEndpointOverrides('[]').problems).toEqual(['must be a JSON object']);
  });
});
