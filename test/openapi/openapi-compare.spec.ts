import { compareOperation, compareSchemas, deref, jsonType, type OpenApiDoc, resolve, variantsOf } from './openapi-compare.js';

const doc = (schemas: Record<string, any> = {}, paths: Record<string, any> = {}): OpenApiDoc => ({ paths, components: { schemas } });
const user = { type: 'object', properties: { id: { type: 'string', format: 'uuid' }, profile: { type: 'object', nullable: true } } };

const findings = (refDoc: OpenApiDoc, ref: any, ourDoc: OpenApiDoc, ours: any, dir: 'request' | 'response') => {
  const out: string[] = [];
  compareSchemas(refDoc, ref, ourDoc, ours, dir, 'X', out);
  return out;
};

describe('deref, resolve, variantsOf, jsonType', () => {
  it('follows $refs and keeps their siblings', () => {
    expect(deref(doc({ User: user }), { $ref: '#/components/schemas/User', nullable: true })).toEqual({ ...user, nullable: true });
    expect(() => deref(doc(), { $ref: '#/components/schemas/Nope' })).toThrow('unresolved $ref');
  });

  it('merges allOf into one object', () => {
    const s = resolve(doc({ User: user }), {
      allOf: [{ $ref: '#/components/schemas/User' }, { properties: { x: { type: 'integer' } }, required: ['x'] }],
    });
    expect(Object.keys(s.properties)).toEqual(['id', 'profile', 'x']);
    expect(s.required).toEqual(['x']);
  });

  it('lists oneOf alternatives with the common keys', () => {
    const v = variantsOf(doc(), {
      description: 'd',
      oneOf: [
        { type: 'object', title: 'a' },
        { type: 'object', title: 'b' },
      ],
    });
    expect(v.map((x) => [x.title, x.description])).toEqual([
      ['a', 'd'],
      ['b', 'd'],
    ]);
  });

  it('names the JSON type, also when only implied', () => {
    expect(jsonType({ type: 'string', nullable: true })).toEqual({ type: 'string', nullable: true });
    expect(jsonType({ type: ['string', 'null'] })).toEqual({ type: 'string', nullable: true });
    expect(jsonType({ properties: {} })).toEqual({ type: 'object', nullable: false });
    expect(jsonType({ enum: ['a', 'b'] })).toEqual({ type: 'string', nullable: false });
  });
});

describe('compareSchemas', () => {
  it('accepts the same shape through $refs on either side', () => {
    const ours = doc({ UserDto: user });
    expect(findings(doc(), user, ours, { $ref: '#/components/schemas/UserDto' }, 'response')).toEqual([]);
  });

  it('finds missing properties, other types and formats, deep inside', () => {
    const ref = { type: 'object', properties: { user } };
    const ours = { type: 'object', properties: { user: { type: 'object', properties: { id: { type: 'integer' } } } } };
    expect(findings(doc(), ref, doc(), ours, 'response')).toEqual([
      'X.user.id: type string in the reference, integer in ours',
      'X.user.id: format uuid in the reference, none in ours',
      'X.user.profile: missing in ours',
    ]);
  });

  it('lets a response be less nullable than the reference, never more', () => {
    const s = (nullable: boolean) => ({ type: 'object', properties: { a: { type: 'string', nullable } } });
    expect(findings(doc(), s(true), doc(), s(false), 'response')).toEqual([]);
    expect(findings(doc(), s(false), doc(), s(true), 'response')).toEqual(['X.a: nullable in ours, never null in the reference']);
    expect(findings(doc(), s(true), doc(), s(false), 'request')).toEqual(['X.a: nullable in the reference, not accepted as null by ours']);
  });

  it('checks enums in the direction that matters', () => {
    const s = (values?: string[]) => ({ type: 'string', ...(values ? { enum: values } : {}) });
    expect(findings(doc(), s(['a']), doc(), s(['a', 'b']), 'request')).toEqual([]);
    expect(findings(doc(), s(['a', 'b']), doc(), s(['a']), 'request')).toEqual(['X: ours does not accept ["b"]']);
    expect(findings(doc(), s(['a', 'b']), doc(), s(['a']), 'response')).toEqual([]);
    expect(findings(doc(), s(['a']), doc(), s(['a', 'b']), 'response')).toEqual(['X: ours may send ["b"], unknown to the reference']);
    expect(findings(doc(), s(['a']), doc(), s(), 'response')).toEqual(['X: the reference allows only ["a"], ours any value']);
  });

  it('flags request properties we require and the reference does not', () => {
    const ref = { type: 'object', required: ['a'], properties: { a: { type: 'string' }, b: { type: 'string' } } };
    const ours = { type: 'object', required: ['b'], properties: { a: { type: 'string' }, b: { type: 'string' } } };
    expect(findings(doc(), ref, doc(), ours, 'request')).toEqual([
      'X.b: required by ours, optional in the reference',
      'X.a: required in the reference, optional in ours',
    ]);
  });

  it('passes a response that is one of the reference alternatives', () => {
    const ref = {
      oneOf: [
        { type: 'object', required: ['user'], properties: { user } },
        { type: 'object', properties: { admin: { type: 'object' } } },
      ],
    };
    const ours = { type: 'object', required: ['user'], properties: { user } };
    expect(findings(doc(), ref, doc(), ours, 'response')).toEqual([]);
    expect(findings(doc(), ref, doc(), { type: 'object', properties: { other: {} } }, 'response')).toHaveLength(1);
  });
});

describe('compareOperation', () => {
  const refDoc = doc(
    {},
    {
      '/login': {
        post: {
          parameters: [{ name: 'client_type', in: 'query', schema: { type: 'string', enum: ['web', 'mobile'] } }],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  oneOf: [
                    {
                      type: 'object',
                      required: ['email', 'password'],
                      properties: { email: { type: 'string' }, password: { type: 'string' } },
                    },
                    { type: 'object', required: ['email', 'otp'], properties: { email: { type: 'string' }, otp: { type: 'string' } } },
                  ],
                },
              },
            },
          },
          responses: { '200': { description: 'ok' }, '401': { description: 'no' } },
          security: [{ bearerAuth: [] }],
        },
      },
    },
  );

  it('treats properties required in only some alternatives as conditional', () => {
    const ourDoc = doc(
      {},
      {
        '/login': {
          post: {
            parameters: [{ name: 'client_type', in: 'query', schema: { type: 'string', enum: ['web', 'mobile', 'server'] } }],
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['email'],
                    properties: { email: { type: 'string' }, password: { type: 'string' }, otp: { type: 'string' } },
                  },
                },
              },
            },
            responses: { '200': { description: 'ok' }, '401': { description: 'no' } },
            security: [{ bearer: [] }],
          },
        },
      },
    );
    expect(compareOperation(refDoc, ourDoc, 'POST', '/login')).toEqual({
      documented: true,
      request: [],
      responses: [],
      statuses: [],
      parameters: [],
      security: [],
    });
  });

  it('reports what a client of the reference would miss', () => {
    const ourDoc = doc(
      {},
      {
        '/login': {
          post: {
            requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { email: { type: 'string' } } } } } },
            responses: { '200': { description: 'ok' } },
          },
        },
      },
    );
    expect(compareOperation(refDoc, ourDoc, 'POST', '/login')).toEqual({
      documented: true,
      request: [
        'POST /login request.email: required in the reference, optional in ours',
        'POST /login request.password: missing in ours',
        'POST /login request.otp: missing in ours',
      ],
      responses: [],
      statuses: ['POST /login: status 401 not documented in ours'],
      parameters: ['POST /login query parameter client_type: missing in ours'],
      security: ['POST /login: the reference requires a credential, ours does not'],
    });
    expect(compareOperation(refDoc, doc(), 'POST', '/login').documented).toBe(false);
    expect(() => compareOperation(refDoc, doc(), 'GET', '/login')).toThrow('not in the reference');
  });
});
