import type { EmailTemplate } from '@app/contracts';

/** One kind of mail: Handlebars sources (`{{ var }}` is HTML-escaped in the HTML part). */
export interface Template {
  subject: string;
  html: string;
  text: string;
}

/*
 * The HTML is an email document, not a web page: tables for layout (Outlook), inline styles for
 * clients that drop <style>, and the <style> block for what inline styles cannot say (dark mode,
 * narrow screens). Readable from 320 px up; `color-scheme` lets clients darken it, and the
 * prefers-color-scheme rules do it where they honour them.
 */
const STYLE = `
    :root { color-scheme: light dark; supported-color-schemes: light dark; }
    body { margin: 0; padding: 0; width: 100% !important; -webkit-text-size-adjust: 100%; }
    a { color: {{brandColor}}; }
    .code { -webkit-user-select: all; user-select: all; }
    @media (max-width: 480px) {
      .outer { padding: 12px 8px !important; }
      .inner { padding: 20px 16px !important; }
      .code { font-size: 24px !important; letter-spacing: 4px !important; }
    }
    @media (prefers-color-scheme: dark) {
      .bg { background: #111113 !important; }
      .card { background: #1f1f23 !important; border-color: #2e2e33 !important; }
      .fg { color: #ececef !important; }
      .muted { color: #a0a0a8 !important; }
      .code { background: #111113 !important; border-color: #3a3a40 !important; color: #ffffff !important; }
      .url a { color: #9ec5ff !important; }
    }`;

const FONT = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

/** The document around every default HTML part; `body` is Handlebars source too. */
function page(preheader: string, body: string): string {
  return `<!doctype html>
<html lang="en" dir="ltr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta http-equiv="x-ua-compatible" content="ie=edge">
  <meta name="color-scheme" content="light dark">
  <meta name="supported-color-schemes" content="light dark">
  <meta name="format-detection" content="telephone=no, date=no, address=no, email=no">
  <title>{{subject}}</title>
  <style>${STYLE}
  </style>
</head>
<body class="bg" style="margin:0;padding:0;background:#f4f4f6;">
  <div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">${preheader}</div>
  <table role="presentation" class="bg" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f4f6;">
    <tr><td align="center" class="outer" style="padding:32px 16px;">
      <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:560px;">
        <tr><td style="padding:0 4px 16px;${FONT};">
          <a href="{{productUrl}}" style="text-decoration:none;">{{#if logoUrl}}<img src="{{logoUrl}}" alt="{{productName}}" height="32" style="display:block;height:32px;width:auto;border:0;">{{else}}<span class="fg" style="font-size:18px;font-weight:700;color:#18181b;">{{productName}}</span>{{/if}}</a>
        </td></tr>
        <tr><td class="card inner" style="background:#ffffff;border:1px solid #e4e4e7;border-radius:12px;padding:32px;${FONT};font-size:16px;line-height:1.5;color:#18181b;">
${body}
        </td></tr>
        <tr><td class="muted" style="padding:16px 4px;${FONT};font-size:12px;line-height:1.5;color:#71717a;">
          This message was sent to {{email}} by <a href="{{productUrl}}" style="color:#71717a;">{{productName}}</a> because of a request made with this address. If it was not you, you can ignore it: nothing changes without the code or link.
        </td></tr>
      </table>
    </td></tr>
  </table>
</body>
</html>
`;
}

const heading = (text: string) =>
  `          <h1 class="fg" style="margin:0 0 16px;font-size:22px;line-height:1.3;color:#18181b;">${text}</h1>`;
const para = (text: string) => `          <p class="fg" style="margin:0 0 16px;color:#18181b;">${text}</p>`;
const note = (text: string) => `          <p class="muted" style="margin:16px 0 0;font-size:14px;color:#71717a;">${text}</p>`;

/** The code alone in a large monospace block, selected whole by one tap or click. */
const codeBlock = `          <div class="code" style="margin:8px 0 16px;padding:16px;background:#f4f4f6;border:1px solid #e4e4e7;border-radius:8px;text-align:center;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace;font-size:32px;font-weight:700;letter-spacing:6px;color:#18181b;">{{token}}</div>`;

/** A button (a padded link: every client renders it) and the plain URL for when buttons do not work. */
const button = (
  label: string,
) => `          <table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 16px;"><tr>
            <td style="border-radius:8px;background:{{brandColor}};"><a href="{{link}}" style="display:inline-block;padding:12px 24px;border-radius:8px;background:{{brandColor}};color:{{brandTextColor}};font-weight:600;text-decoration:none;">${label}</a></td>
          </tr></table>
          <p class="muted" style="margin:0;font-size:14px;color:#71717a;">Or copy this link into your browser:</p>
          <p class="url" style="margin:4px 0 0;font-size:14px;word-break:break-all;"><a href="{{link}}" style="color:{{brandColor}};">{{link}}</a></p>`;

const textFooter = `\n--\n{{productName}} · {{productUrl}}\nSent to {{email}} because of a request made with this address. If it was not you, you can ignore this message.\n`;

/** The five kinds InsForge sends, with one subject style: "<what to do> for <product>". */
export const DEFAULT_TEMPLATES: Record<EmailTemplate, Template> = {
  'email-verification-code': {
    subject: 'Verify your email for {{productName}}',
    html: page(
      'Your verification code is {{token}}',
      [
        heading('Verify your email'),
        para('Hi {{name}}, enter this code in {{productName}} to verify your email address:'),
        codeBlock,
        note('The code expires in 15 minutes.'),
      ].join('\n'),
    ),
    text:
      'Hi {{name}},\n\nEnter this code in {{productName}} to verify your email address:\n\n    {{token}}\n\nThe code expires in 15 minutes.\n' +
      textFooter,
  },
  'email-verification-link': {
    subject: 'Verify your email for {{productName}}',
    html: page(
      'Confirm your email address for {{productName}}',
      [
        heading('Verify your email'),
        para('Hi {{name}}, confirm that this is your email address for {{productName}}:'),
        button('Verify email'),
        note('The link expires in 24 hours.'),
      ].join('\n'),
    ),
    text:
      'Hi {{name}},\n\nConfirm that this is your email address for {{productName}} by opening this link:\n\n{{link}}\n\nThe link expires in 24 hours.\n' +
      textFooter,
  },
  'request-otp': {
    subject: 'Your sign-in code for {{productName}}',
    html: page(
      'Your sign-in code is {{token}}',
      [
        heading('Your sign-in code'),
        para('Hi {{name}}, enter this code in {{productName}} to sign in:'),
        codeBlock,
        note('The code expires in 5 minutes. Never share it: we will never ask you for it.'),
      ].join('\n'),
    ),
    text:
      'Hi {{name}},\n\nEnter this code in {{productName}} to sign in:\n\n    {{token}}\n\nThe code expires in 5 minutes. Never share it: we will never ask you for it.\n' +
      textFooter,
  },
  'reset-password-code': {
    subject: 'Reset your password for {{productName}}',
    html: page(
      'Your password reset code is {{token}}',
      [
        heading('Reset your password'),
        para('Hi {{name}}, enter this code in {{productName}} to choose a new password:'),
        codeBlock,
        note('The code expires in 15 minutes. Your password stays the same until you choose a new one.'),
      ].join('\n'),
    ),
    text:
      'Hi {{name}},\n\nEnter this code in {{productName}} to choose a new password:\n\n    {{token}}\n\nThe code expires in 15 minutes. Your password stays the same until you choose a new one.\n' +
      textFooter,
  },
  'reset-password-link': {
    subject: 'Reset your password for {{productName}}',
    html: page(
      'Choose a new password for {{productName}}',
      [
        heading('Reset your password'),
        para('Hi {{name}}, choose a new password for {{productName}}:'),
        button('Choose a new password'),
        note('The link expires in 24 hours. Your password stays the same until you choose a new one.'),
      ].join('\n'),
    ),
    text:
      'Hi {{name}},\n\nChoose a new password for {{productName}} by opening this link:\n\n{{link}}\n\nThe link expires in 24 hours. Your password stays the same until you choose a new one.\n' +
      textFooter,
  },
};
