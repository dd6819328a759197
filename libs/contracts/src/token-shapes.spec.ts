import { isAnonKey, isApiKey, isOneTimeCode, isOpaqueToken, isUuid, linkTokenOf } from './token-shapes.js';

const hex64 = 'a1'.repeat(32);
/** What no shape check may let through, whatever the shape. */
const hostile = [undefined, null, 42, {}, [hex64], '', ' ', `${hex64}\u0000`, `${hex64}\n`, `\u{1F511}`, '\ud800', 'x'.repeat(10_000)];

describe('token shapes', () => {
  it('opaque tokens (refresh, Gorb, CSRF, link as issued): 64 lowercase hex, nothing else', () => {
    expect(isOpaqueToken(hex64)).toBe(true);
    expect(isOpaqueToken('0'.repeat(64))).toBe(true);
    for (const v of [hex64.toUpperCase(), hex64.slice(1), `${hex64}0`, `g${hex64.slice(1)}`, ` ${hex64.slice(1)}`, ...hostile]) {
      expect(isOpaqueToken(v)).toBe(false);
    }
  });

  it('link tokens as pasted: any case, given back as issued (lower case); anything else null', () => {
    expect(linkTokenOf(hex64)).toBe(hex64);
    expect(linkTokenOf(hex64.toUpperCase())).toBe(hex64);
    expect(linkTokenOf('Ab'.repeat(32))).toBe('ab'.repeat(32));
    for (const v of [hex64.slice(1), `${hex64}a`, `${hex64.slice(2)}zz`, ...hostile]) expect(linkTokenOf(v)).toBeNull();
  });

  it('one-time codes: exactly six ASCII digits, leading zeros kept', () => {
    for (const v of ['000000', '123456', '999999']) expect(isOneTimeCode(v)).toBe(true);
    // Arabic-Indic and full-width digits are digits to Unicode, not to us
    for (const v of ['12345', '1234567', '12345a', '١٢٣٤٥٦', '１２３４５６', '123456\n', 123456, ...hostile]) {
      expect(isOneTimeCode(v)).toBe(false);
    }
  });

  it('anon keys: anon_ and 64 lowercase hex', () => {
    expect(isAnonKey(`anon_${hex64}`)).toBe(true);
    for (const v of [hex64, `anon_${hex64.toUpperCase()}`, `ANON_${hex64}`, `anon_${hex64}0`, `ik_${hex64}`, ...hostile]) {
      expect(isAnonKey(v)).toBe(false);
    }
  });

  it('API keys: ik_ and 64 lowercase hex', () => {
    expect(isApiKey(`ik_${hex64}`)).toBe(true);
    for (const v of [hex64, `ik_${hex64.toUpperCase()}`, `IK_${hex64}`, `ik_${hex64}0`, `anon_${hex64}`, ...hostile]) {
      expect(isApiKey(v)).toBe(false);
    }
  });

  it('UUIDs: any version, either case', () => {
    for (const v of [
      '7d3f0a52-6a55-4b0e-9d7e-0e6c3a1f2b44',
      '7D3F0A52-6A55-4B0E-9D7E-0E6C3A1F2B44',
      '00000000-0000-0000-0000-000000000000',
    ]) {
      expect(isUuid(v)).toBe(true);
    }
    for (const v of [
      '7d3f0a526a554b0e9d7e0e6c3a1f2b44',
      '{7d3f0a52-6a55-4b0e-9d7e-0e6c3a1f2b44}',
      '7d3f0a52-6a55-4b0e-9d7e-0e6c3a1f2b4',
      ...hostile,
    ]) {
      expect(isUuid(v)).toBe(false);
    }
  });
});
