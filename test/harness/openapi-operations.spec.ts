import { Ajv } from 'ajv';
import { type OpenApiDocument, operationsOf, urlFor, withValueAt } from './openapi-operations.js';

const doc: OpenApiDocument = {
  paths: {
    '/api/auth/things/{id}': {
      patch: {
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
          { name: 'client_type', in: 'query', schema: { type: 'string', enum: ['web', 'mobile'] } },
          { name: 'token', in: 'query', required: true, schema: { type: 'string', pattern: '^[a-fA-F0-9]{64}$' } },
        ],
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
        security: [{}, { bearerAuth: [] }],
        responses: { '200': {}, '400': {} },
      },
    },
    '/v1/login': { post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Login' } } } } } },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        required: ['email', 'code'],
        properties: {
          email: { type: 'string', format: 'email' },
          code: { type: 'string', pattern: '^\\d{6}$' },
          name: { type: 'string', minLength: 1, maxLength: 5 },
          count: { type: 'integer', minimum: 2 },
          tags: { type: 'array', items: { type: 'string' } },
          profile: { type: 'object', properties: { avatar_url: { type: 'string', format: 'uri' } }, additionalProperties: true },
        },
      },
      Login: { type: 'object', required: ['password'], properties: { password: { type: 'string', maxLength: 128 } } },
    },
  },
};

describe('operationsOf', () => {
  const [thing, login] = operationsOf(doc, 'identity');

  it('lists method, path, style, security and statuses', () => {
    expect(thing).toMatchObject({
      method: 'PATCH',
      path: '/api/auth/things/{id}',
      style: 'insforge',
      security: ['bearerAuth'],
      statuses: ['200', '400'],
    });
    expect(login).toMatchObject({ method: 'POST', path: '/v1/login', style: 'gorb', security: [] });
  });

  it('builds a sample body the schema accepts', () => {
    const ajv = new Ajv({ strict: false, validateFormats: false });
    expect(ajv.validate(doc.components!.schemas!.Login!, login!.sampleBody)).toBe(true);
    const thingSchema = { ...doc.components!.schemas!.Thing!, $ref: undefined };
    expect(ajv.validate(thingSchema, thing!.sampleBody)).toBe(true);
    expect(thing!.sampleBody).toMatchObject({ email: 'sample@example.com', code: '123456' });
  });

  it('finds every string field, nested, in arrays and under additionalProperties', () => {
    expect(thing!.bodyStringFields).toEqual([
      ['email'],
      ['code'],
      ['name'],
      ['tags', '0'],
      ['profile', 'avatar_url'],
      ['profile', 'extra_field'],
    ]);
  });

  it('fills path and query parameters', () => {
    expect(urlFor(thing!)).toBe(`/api/auth/things/00000000-0000-4000-8000-000000000000?token=${'ab'.repeat(32)}`);
    expect(urlFor(thing!, { id: 'a/b', client_type: 'mobile' }, 'x=%00')).toBe(
      `/api/auth/things/a%2Fb?client_type=mobile&token=${'ab'.repeat(32)}&x=%00`,
    );
  });

  it('plants a value anywhere without touching the sample', () => {
    const planted = withValueAt(thing!.sampleBody, ['tags', '0'], 'x');
    expect(planted.tags).toEqual(['x']);
    expect(withValueAt({}, ['a', 'b'], 1)).toEqual({ a: { b: 1 } });
    expect(thing!.sampleBody!.tags).toEqual(['sample-tags']);
  });

  it('fails loudly on a pattern it has no sample for', () => {
    const odd: OpenApiDocument = {
      paths: { '/x': { get: { parameters: [{ name: 'q', in: 'query', schema: { type: 'string', pattern: '^z+$' } }] } } },
    };
    expect(() => operationsOf(odd, 'identity')).toThrow(/no sample for pattern/);
  });
});
