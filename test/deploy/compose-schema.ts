import { Ajv } from 'ajv';
import { readRepoFile } from './repo-files.js';

/**
 * Validates a parsed compose file against the Compose Specification JSON schema.
 * schemas/compose-spec.schema.json is the compose-spec project's `schema/compose-spec.json`
 * (Apache-2.0, github.com/compose-spec/compose-spec), as shipped in dclint 3.1.0. It is vendored
 * so the check needs neither the network nor a Docker binary; refresh it from either source.
 */
export function composeSchemaErrors(compose: unknown): string[] {
  const schema = JSON.parse(readRepoFile('test/deploy/schemas/compose-spec.schema.json')) as Record<string, unknown>;
  // The schema names draft-07 by an https URL Ajv does not know; draft-07 is Ajv's default anyway.
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  const validate = ajv.compile(schema);
  if (validate(compose)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
