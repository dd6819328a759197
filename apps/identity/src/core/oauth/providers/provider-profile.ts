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

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const id = (v: unknown): string | undefined => (typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : str(v));
/** Apple sends `email_verified` as the string "true". */
const yes = (v: unknown): boolean => v === true || v === 'true';
const email = (v: unknown): string | null => str(v)?.toLowerCase() ?? null;

export class ProfileError extends Error {}

function must(subject: string | undefined, provider: string): string {
  if (!subject) throw new ProfileError(`${provider} did not identify the user`);
  if (subject.length > 255) throw new ProfileError(`${provider} sent an oversized user id`);
  return subject;
}

/** OpenID Connect claims (an ID token or a userinfo response). */
export function fromOidcClaims(provider: string, c: Json): ProviderProfile {
  return {
    provider,
    subject: must(str(c.sub), provider),
    email: email(c.email),
    emailVerified: yes(c.email_verified) && !!str(c.email),
    name: str(c.name) ?? ([str(c.given_name), str(c.family_name)].filter(Boolean).join(' ') || undefined),
    avatarUrl: str(c.picture),
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
    name: str(user.name) ?? login,
    avatarUrl: str(user.avatar_url),
  };
}

export function fromDiscord(u: Json): ProviderProfile {
  const subject = must(id(u.id), 'discord');
  const avatar = str(u.avatar);
  return {
    provider: 'discord',
    subject,
    email: email(u.email),
    emailVerified: u.verified === true && !!str(u.email),
    name: str(u.global_name) ?? str(u.username),
    avatarUrl: avatar ? `https://cdn.discordapp.com/avatars/${subject}/${avatar}.png` : undefined,
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
    name: str(u.name),
    avatarUrl: str(picture),
  };
}

/** Instagram shares no email address. */
export function fromInstagram(u: Json): ProviderProfile {
  return {
    provider: 'instagram',
    subject: must(id(u.user_id) ?? id(u.id), 'instagram'),
    email: null,
    emailVerified: false,
    name: str(u.name) ?? str(u.username),
    avatarUrl: str(u.profile_picture_url),
  };
}

/** TikTok shares no email address; its user info sits under `data.user`. */
export function fromTiktok(body: Json): ProviderProfile {
  const u = ((body.data as Json | undefined)?.user ?? {}) as Json;
  return {
    provider: 'tiktok',
    subject: must(str(u.open_id), 'tiktok'),
    email: null,
    emailVerified: false,
    name: str(u.display_name),
    avatarUrl: str(u.avatar_url),
  };
}

/** X shares an address only to apps allowed `confirmed_email`; it is confirmed when present. */
export function fromX(body: Json): ProviderProfile {
  const u = (body.data ?? {}) as Json;
  return {
    provider: 'x',
    subject: must(id(u.id), 'x'),
    email: email(u.confirmed_email),
    emailVerified: !!str(u.confirmed_email),
    name: str(u.name) ?? str(u.username),
    avatarUrl: str(u.profile_image_url),
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
    name: str(u.display_name),
    avatarUrl: str(images[0]?.url),
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
    name: str(u.displayName),
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
