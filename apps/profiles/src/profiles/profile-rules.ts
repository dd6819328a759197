import { invalidInput } from '@app/core';

/** Limits on a stored profile and on every patch (a patch is also checked merged). */
export const PROFILE_LIMITS = Object.freeze({
  /** keys at the top level of the profile */
  maxKeys: 50,
  /** the profile object is level 1: `{"a":{"b":{"c":1}}}` is depth 3, one more object or array is refused */
  maxDepth: 3,
  /** UTF-8 bytes of the profile serialized as JSON */
  maxBytes: 16 * 1024,
  /** characters (code points) of `name` */
  maxNameLength: 100,
  maxUrlLength: 2048,
});

/** Keys that could reach an object's prototype if any code ever merged with plain assignment. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A profile: free-form JSON (InsForge keeps it as jsonb, keys in snake_case by convention). */
export type ProfileData = Record<string, unknown>;
/** A shallow patch: a key set to `null` removes that key (our extension to InsForge). */
export type ProfilePatch = Record<string, unknown>;

export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates the body of `PATCH /api/auth/profiles/current` and returns its patch. Every violation is
 * a 400 INVALID_INPUT whose message starts with the path of the field (`profile.avatar_url: ...`).
 */
export function parseProfilePatch(body: unknown): ProfilePatch {
  const patch = isPlainObject(body) ? body.profile : undefined;
  if (!isPlainObject(patch)) throw invalidInput('profile: must be a JSON object');
  // The user is the token's subject and nothing else: a body naming a user (`id`, `userId`, …) or
  // carrying anything but `profile` is refused, not ignored, so no client can believe it worked.
  const unknown = Object.keys(body as object).find((key) => key !== 'profile');
  if (unknown !== undefined) throw invalidInput(`${pathOf('', unknown).replace(/^\./, '')}: unknown field (the body is {"profile": {…}})`);
  checkTree(patch, 'profile', 1);
  checkSize(patch);
  checkWellKnownFields(patch);
  return patch;
}

/** The limits a whole profile must keep, checked again after a patch is merged. */
export function checkSize(profile: ProfileData, path = 'profile'): void {
  if (Object.keys(profile).length > PROFILE_LIMITS.maxKeys) throw invalidInput(`${path}: must have at most ${PROFILE_LIMITS.maxKeys} keys`);
  if (Buffer.byteLength(JSON.stringify(profile), 'utf8') > PROFILE_LIMITS.maxBytes) {
    throw invalidInput(`${path}: must be at most ${PROFILE_LIMITS.maxBytes} bytes as JSON`);
  }
}

/**
 * InsForge's shallow merge (`profile || patch`), except that a key whose patch value is `null` is
 * removed instead of being stored as null. Built with Object.fromEntries so that no key, whatever
 * its name, is ever assigned through a prototype setter.
 */
export function mergeProfile(current: ProfileData, patch: ProfilePatch): ProfileData {
  const entries = new Map(Object.entries(current));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) entries.delete(key);
    else entries.set(key, value);
  }
  return Object.fromEntries(entries);
}

/**
 * A registration that arrives after its owner's first PATCH: the sign-up fields fill only the keys
 * the owner has neither set nor removed; everything the owner wrote stays as written.
 */
export function mergeSignUpFields(current: ProfileData, signUp: ProfileData, ownerKeys: readonly string[]): ProfileData {
  const owned = new Set(ownerKeys);
  const entries = new Map(Object.entries(signUp).filter(([key]) => !owned.has(key) && !Object.hasOwn(current, key)));
  for (const [key, value] of Object.entries(current)) entries.set(key, value);
  return Object.fromEntries(entries);
}

const pathOf = (parent: string, key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`);

/**
 * Walks the JSON tree once: depth, forbidden keys, and what PostgreSQL's jsonb cannot store (a NUL
 * character, a lone surrogate) or JSON cannot express (a non-finite number), so that bad input is a
 * 400 and never a database error.
 */
function checkTree(value: unknown, path: string, depth: number): void {
  if (typeof value === 'string') {
    if (!isStorableText(value)) throw invalidInput(`${path}: must not contain NUL characters or unpaired surrogates`);
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalidInput(`${path}: must be a finite number`);
    return;
  }
  if (value === null || typeof value === 'boolean') return;
  if (typeof value !== 'object') throw invalidInput(`${path}: must be a JSON value`);
  if (depth > PROFILE_LIMITS.maxDepth) throw invalidInput(`${path}: nested too deeply (at most ${PROFILE_LIMITS.maxDepth} levels)`);
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkTree(item, `${path}[${i}]`, depth + 1));
    return;
  }
  for (const key of Object.keys(value)) {
    const child = pathOf(path, key);
    if (FORBIDDEN_KEYS.has(key)) throw invalidInput(`${child}: key not allowed`);
    if (!isStorableText(key)) throw invalidInput(`${path}: keys must not contain NUL characters or unpaired surrogates`);
    checkTree((value as Record<string, unknown>)[key], child, depth + 1);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isStorableText = (s: string) => !s.includes('\u0000') && !LONE_SURROGATE.test(s);

/** `name` and `avatar_url` have a meaning for clients, so their type and form are checked. */
function checkWellKnownFields(patch: ProfilePatch): void {
  const name = patch.name;
  if (name !== undefined && name !== null) {
    if (typeof name !== 'string') throw invalidInput('profile.name: must be a string');
    if ([...name].length > PROFILE_LIMITS.maxNameLength) {
      throw invalidInput(`profile.name: must be at most ${PROFILE_LIMITS.maxNameLength} characters`);
    }
  }
  const avatar = patch.avatar_url;
  if (avatar !== undefined && avatar !== null && !isHttpUrl(avatar)) throw invalidInput('profile.avatar_url: must be an http(s) URL');
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > PROFILE_LIMITS.maxUrlLength) return false;
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
