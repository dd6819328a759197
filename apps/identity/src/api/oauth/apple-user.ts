/**
 * Apple sends the user's name only once, on the first authorization, as a `user` field of its
 * form post (`{"name": {"firstName", "lastName"}, "email"}`), never in the ID token. The field
 * is as trustworthy as any form input: only a bounded display name is taken from it, for a new
 * account's profile; the email and the identity always come from the verified ID token.
 */
export function appleUserName(field: unknown): string | undefined {
  if (typeof field !== 'string' || field.length > 2048) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(field);
  } catch {
    return undefined;
  }
  const name = (parsed as { name?: { firstName?: unknown; lastName?: unknown } } | null)?.name;
  const part = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const full = [part(name?.firstName), part(name?.lastName)].filter(Boolean).join(' ');
  return full ? full.slice(0, 100) : undefined;
}
