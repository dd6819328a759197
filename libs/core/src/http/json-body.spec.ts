import { BodyError, jsonDepth, MAX_JSON_DEPTH, parseJsonBody } from './json-body.js';

describe('jsonDepth', () => {
  it('counts nesting and ignores brackets inside strings', () => {
    expect(jsonDepth('{}')).toBe(1);
    expect(jsonDepth('{"a":[{"b":[]}]}')).toBe(4);
    expect(jsonDepth('{"a":"[[[[{{{{\\"]]]"}')).toBe(1);
  });
});

describe('parseJsonBody', () => {
  it('parses an object and treats an empty body as no body', () => {
    expect(parseJsonBody('{"email":"a@b.co"}')).toEqual({ email: 'a@b.co' });
    expect(parseJsonBody('  ')).toBeUndefined();
  });

  it.each([
    ['{"a":', 'Malformed JSON in request body'],
    ['[1,2]', 'Request body must be a JSON object'],
    ['null', 'Request body must be a JSON object'],
    ['{"__proto__":{"x":1}}', 'Malformed JSON in request body'],
    ['{"constructor":{"prototype":{"x":1}}}', 'Malformed JSON in request body'],
    [`{"a":${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}}`, 'Request body is nested too deeply'],
  ])('refuses %s with a 400', (text, message) => {
    expect(() => parseJsonBody(text)).toThrow(BodyError);
    expect(() => parseJsonBody(text)).toThrow(expect.objectContaining({ statusCode: 400, message }));
  });
});
