import { MAX_AUTHORIZATION_LENGTH, parseBearer } from './bearer.js';

const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_w';

describe('parseBearer', () => {
  it.each([
    [`Bearer ${JWT}`, JWT],
    [`bearer ${JWT}`, JWT],
    [`BEARER ${JWT}`, JWT],
    ['Bearer anon_' + 'a1'.repeat(32), 'anon_' + 'a1'.repeat(32)],
    ['Bearer ' + 'ab'.repeat(32), 'ab'.repeat(32)],
    ['Bearer abc+/==', 'abc+/=='],
  ])('%s is one token', (header, token) => expect(parseBearer(header)).toEqual({ kind: 'token', token }));

  it.each([undefined, ''])('%j is no credential', (header) => expect(parseBearer(header)).toEqual({ kind: 'none' }));

  it.each([
    `Bearer ${JWT} anything`,
    `Bearer ${JWT} ${JWT}`,
    `Bearer  ${JWT}`,
    `Bearer\t${JWT}`,
    `Bearer ${JWT},Bearer x`,
    `Bearer ${JWT}"`,
    `Bearer =${JWT}`,
    `Bearer ${JWT}=x`,
    JWT,
    'Bearer',
    'Bearer ',
    `Basic ${JWT}`,
    `Token ${JWT}`,
    `BearerX ${JWT}`,
    ['Bearer a', 'Bearer b'],
    `Bearer ${'a'.repeat(MAX_AUTHORIZATION_LENGTH)}`,
    `Bearer a\u0000b`,
    `Bearer ${JWT}\n`,
  ])('%j is malformed', (header) => expect(parseBearer(header)).toEqual({ kind: 'malformed' }));
});
