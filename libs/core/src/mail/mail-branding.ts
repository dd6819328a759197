import addressparser from 'nodemailer/lib/addressparser';

/** What a team brands its mail with; from the mailer's MAIL_* settings (validated at boot). */
export interface Branding {
  productName: string;
  /** http(s) URL of the product, linked from the header and footer */
  productUrl: string;
  /** http(s) URL of a logo image, or '' for the product name in text */
  logoUrl: string;
  /** #rgb or #rrggbb: buttons and links */
  brandColor: string;
}

/** The variables every template may use, with the ones a job brings. */
export interface MailVariables extends Branding {
  name: string;
  email: string;
  token: string;
  link: string;
  /** black or white, whichever reads better on brandColor (buttons) */
  brandTextColor: string;
  /** the rendered subject line (the HTML document's <title>) */
  subject: string;
}

export const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/** WCAG relative luminance: white text on dark brand colours, black on light ones. */
export function textColorOn(hex: string): '#000000' | '#ffffff' {
  const full = hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join('')}` : hex;
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  // contrast against white vs against black: pick the larger
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? '#ffffff' : '#000000';
}

/** The domain of the first address in an RFC 5322 list such as `Acme <no-reply@mail.acme.com>`. */
export function domainOf(from: string): string | undefined {
  const first = addressparser(from, { flatten: true })[0];
  const parts = first?.address?.split('@') ?? [];
  const domain = parts.length === 2 && parts[0] ? parts[1]!.toLowerCase() : undefined;
  return domain && HOST_NAME.test(domain) ? domain : undefined;
}

export const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
