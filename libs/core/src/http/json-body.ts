import sjson from 'secure-json-parse';

/** Deepest nesting accepted in a request body; deeper input is refused before any recursion. */
export const MAX_JSON_DEPTH = 32;

/** Nesting depth of a JSON text, scanning once and skipping string contents. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

export class BodyError extends Error {
  constructor(
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}

/**
 * Parses a JSON request body: an empty body is no body; prototype-poisoning keys, deep nesting and
 * anything but an object are refused with a 400 (never a 5xx).
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw new BodyError('Request body is nested too deeply');
  let value: unknown;
  try {
    value = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw new BodyError('Malformed JSON in request body');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BodyError('Request body must be a JSON object');
  }
  return value;
}
