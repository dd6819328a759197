import type { OAuthProviderId } from './provider-catalog.js';

/** Who signed in at the provider, as account resolution needs it. */
export interface ProviderProfile {
  provider: string;
  /** the provider's stable user id (`sub`, GitHub's numeric id...) */
  subject: string;
  /** lower-cased; null when the provider shares none */
  email: string | null;
  /** true only when the provider asserts that it verified this address */
  emailVerified: boolean;
  name?: string;
  avatarUrl?: string;
}

type Json = Record<string, unknown>;

/** NUL, other C0 controls and lone surrogates: PostgreSQL refuses some, and no name needs them. */
// oxlint-disable-next-line no-control-regex -- matching control characters is the point
const UNSTORABLE = /[\u0000-\u001f\u007f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** A provider's text, made storable and bounded (a provider is trusted for identity, not for sizes). */
const str = (v: unknown, max = 255): string | undefined => {
  if (typeof v !== 'string') return undefined;
  const t = v.replace(UNSTORABLE, '').trim().slice(0, max);
  return t === '' ? undefined : t;
};
/** A user id exactly as the provider sent it (never altered: it is the identity), or undefined. */
const id = (v: unknown): string | undefined =>
  typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : typeof v === 'string' && v !== '' ? v : undefined;
/** Apple sends `email_verified` as the string "true". */
const yes = (v: unknown): boolean => v === true || v === 'true';
/** An address we can store and compare: one @, no spaces, at most 320 characters; else none. */
const email = (v: unknown): string | null => {
  const e = typeof v === 'string' ? v.trim().toLowerCase() : '';
  // oxlint-disable-next-line no-control-regex -- an address never holds a control character
  return e.length <= 320 && /^[^\s@\u0000-\u001f]+@[^\s@\u0000-\u001f]+$/.test(e) ? e : null;
};
const avatar = (v: unknown): string | undefined => {
  const u = str(v, 2048);
  return u && /^https?:\/\//i.test(u) ? u : undefined;
};

export class ProfileError extends Error {}

function must(subject: string | undefined, provider: string): string {
  if (!subject) throw new ProfileError(`${provider} did not identify the user`);
  if (subject.length > 255) throw new ProfileError(`${provider} sent an oversized user id`);
  if (new RegExp(UNSTORABLE.source).test(subject)) throw new ProfileError(`${provider} sent a user id with control characters`);
  return subject;
}

/** OpenID Connect claims (an ID token or a userinfo response). */
export function fromOidcClaims(provider: string, c: Json): ProviderProfile {
  return {
    provider,
    subject: must(id(c.sub), provider),
    email: email(c.email),
    emailVerified: yes(c.email_verified) && email(c.email) !== null,
    name: str(c.name, 100) ?? ([str(c.given_name), str(c.family_name)].filter(Boolean).join(' ').slice(0, 100) || undefined),
    avatarUrl: avatar(c.picture),
  };
}

/** GitHub's `/user` and `/user/emails`: only a primary, verified address counts as verified. */
export function fromGithub(user: Json, emails: unknown): ProviderProfile {
  const list = Array.isArray(emails) ? (emails as Json[]) : [];
  const primary = list.find((e) => e.primary === true && e.verified === true) ?? list.find((e) => e.verified === true);
  const login = str(user.login);
  const fallback = str(user.email);
  return {
    provider: 'github',
    subject: must(id(user.id), 'github'),
    email: email(primary?.email) ?? email(fallback) ?? (login ? `${login.toLowerCase()}@users.noreply.github.com` : null),
    emailVerified: !!primary,
    name: str(user.name, 100) ?? login,
    avatarUrl: avatar(user.avatar_url),
  };
}

export function fromDiscord(u: Json): ProviderProfile {
  const subject = must(id(u.id), 'discord');
  const hash = str(u.avatar, 64);
  return {
    provider: 'discord',
    subject,
    email: email(u.email),
    emailVerified: u.verified === true && email(u.email) !== null,
    name: str(u.global_name, 100) ?? str(u.username, 100),
    avatarUrl: hash && /^\w+$/.test(hash) ? `https://cdn.discordapp.com/avatars/${subject}/${hash}.png` : undefined,
  };
}

/** Facebook does not say whether the address was confirmed: never treated as verified. */
export function fromFacebook(u: Json): ProviderProfile {
  const picture = (u.picture as { data?: { url?: unknown } } | undefined)?.data?.url;
  return {
    provider: 'facebook',
    subject: must(id(u.id), 'facebook'),
    email: email(u.email),
    emailVerified: false,
    name: str(u.name, 100),
    avatarUrl: avatar(picture),
  };
}

/** Instagram shares no email address. */
export function fromInstagram(u: Json): ProviderProfile {
  return {
    provider: 'instagram',
    subject: must(id(u.user_id) ?? id(u.id), 'instagram'),
    email: null,
    emailVerified: false,
    name: str(u.name, 100) ?? str(u.username, 100),
    avatarUrl: avatar(u.profile_picture_url),
  };
}

/** TikTok shares no email address; its user info sits under `data.user`. */
export function fromTiktok(body: Json): ProviderProfile {
  const u = ((body.data as Json | undefined)?.user ?? {}) as Json;
  return {
    provider: 'tiktok',
    subject: must(id(u.open_id), 'tiktok'),
    email: null,
    emailVerified: false,
    name: str(u.display_name, 100),
    avatarUrl: avatar(u.avatar_url),
  };
}

/** X shares an address only to apps allowed `confirmed_email`; it is confirmed when present. */
export function fromX(body: Json): ProviderProfile {
  const u = (body.data ?? {}) as Json;
  return {
    provider: 'x',
    subject: must(id(u.id), 'x'),
    email: email(u.confirmed_email),
    emailVerified: email(u.confirmed_email) !== null,
    name: str(u.name, 100) ?? str(u.username, 100),
    avatarUrl: avatar(u.profile_image_url),
  };
}

/** Spotify does not say whether the address was confirmed: never treated as verified. */
export function fromSpotify(u: Json): ProviderProfile {
  const images = Array.isArray(u.images) ? (u.images as Json[]) : [];
  return {
    provider: 'spotify',
    subject: must(id(u.id), 'spotify'),
    email: email(u.email),
    emailVerified: false,
    name: str(u.display_name, 100),
    avatarUrl: avatar(images[0]?.url),
  };
}

/**
 * Microsoft Graph's `/me`: `mail` is whatever the tenant's admin typed, unverified (the "nOAuth"
 * account takeover came from trusting it), so it never links to an existing account.
 */
export function fromMicrosoft(u: Json): ProviderProfile {
  return {
    provider: 'microsoft',
    subject: must(id(u.id), 'microsoft'),
    email: email(u.mail) ?? email(u.userPrincipalName),
    emailVerified: false,
    name: str(u.displayName, 100),
  };
}

/**
 * The address an account gets when its provider shares none: under the provider's own
 * `users.noreply` name (as InsForge does for X), unique per provider account, never verified.
 */
export function placeholderEmail(provider: OAuthProviderId | string, subject: string): string {
  const local = subject
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '-')
    .slice(0, 64);
  return `${local}@users.noreply.${provider}.local`;
}
