import { isRedirectAllowed } from './redirect-allowlist.js';

describe('isRedirectAllowed', () => {
  const trusted = ['http://localhost:3000'];
  it('falls back to trusted origins when no list is configured', () => {
    expect(isRedirectAllowed('http://localhost:3000/cb', [], trusted)).toBe(true);
    expect(isRedirectAllowed('https://evil.example/cb', [], trusted)).toBe(false);
  });
  it('matches exact URLs ignoring host case and a trailing slash', () => {
    expect(isRedirectAllowed('https://App.example.com/done/', ['https://app.example.com/done'], trusted)).toBe(true);
    expect(isRedirectAllowed('https://app.example.com/other', ['https://app.example.com/done'], trusted)).toBe(false);
  });
  it('matches globs with strict protocol and port', () => {
    const list = ['https://*.example.com/**'];
    expect(isRedirectAllowed('https://a.example.com/x/y', list, trusted)).toBe(true);
    expect(isRedirectAllowed('http://a.example.com/x', list, trusted)).toBe(false);
    expect(isRedirectAllowed('https://a.example.com:8443/x', list, trusted)).toBe(false);
    expect(isRedirectAllowed('https://example.com.evil.io/x', list, trusted)).toBe(false);
    expect(isRedirectAllowed('https://a.example.com/x?next=1', list, trusted)).toBe(true);
  });
  it('never lets a host wildcard reach into the query or the fragment', () => {
    const list = ['https://*.example.com/**', 'https://*.example.com'];
    for (const evil of ['https://evil.com?.example.com/', 'https://evil.com/?.example.com', 'https://evil.com#.example.com/'])
      expect(isRedirectAllowed(evil, list, trusted)).toBe(false);
  });
  it('refuses non-http schemes and credentials in the URL', () => {
    expect(isRedirectAllowed('javascript:alert(1)', ['**'], trusted)).toBe(false);
    expect(isRedirectAllowed('https://user:pw@app.example.com/', ['https://app.example.com/'], trusted)).toBe(false);
  });
});
