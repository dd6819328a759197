import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMAIL_TEMPLATES, type EmailTemplate, type SendEmailJob } from '@app/contracts';

export interface Template {
  subject: string;
  html: string;
  text: string;
}
export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

const layout = (body: string) =>
  `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111">${body}` +
  `<p style="color:#666;font-size:12px">If you did not ask for this, you can ignore this email.</p></body></html>`;

/** InsForge's five templates with its default subjects; variables: token, link, name, email. */
export const DEFAULT_TEMPLATES: Record<EmailTemplate, Template> = {
  'email-verification-code': {
    subject: 'Verify your email',
    html: layout(
      '<p>Hi {{ name }},</p><p>Your verification code is <strong style="font-size:20px">{{ token }}</strong>.</p><p>It expires in 15 minutes.</p>',
    ),
    text: 'Hi {{ name }},\n\nYour verification code is {{ token }}.\nIt expires in 15 minutes.\n',
  },
  'email-verification-link': {
    subject: 'Verify your email',
    html: layout('<p>Hi {{ name }},</p><p><a href="{{ link }}">Verify your email address</a></p><p>The link expires in 24 hours.</p>'),
    text: 'Hi {{ name }},\n\nVerify your email address: {{ link }}\nThe link expires in 24 hours.\n',
  },
  'request-otp': {
    subject: '{{ token }} is your verification code',
    html: layout('<p>Your sign-in code is <strong style="font-size:20px">{{ token }}</strong>.</p><p>It expires in 5 minutes.</p>'),
    text: 'Your sign-in code is {{ token }}.\nIt expires in 5 minutes.\n',
  },
  'reset-password-code': {
    subject: 'Reset your password',
    html: layout(
      '<p>Hi {{ name }},</p><p>Your password reset code is <strong style="font-size:20px">{{ token }}</strong>.</p><p>It expires in 15 minutes.</p>',
    ),
    text: 'Hi {{ name }},\n\nYour password reset code is {{ token }}.\nIt expires in 15 minutes.\n',
  },
  'reset-password-link': {
    subject: 'Reset your password',
    html: layout('<p>Hi {{ name }},</p><p><a href="{{ link }}">Choose a new password</a></p><p>The link expires in 24 hours.</p>'),
    text: 'Hi {{ name }},\n\nChoose a new password: {{ link }}\nThe link expires in 24 hours.\n',
  },
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `{{ var }}` substitution; values are HTML-escaped in the HTML part, never evaluated. */
export function fill(template: string, vars: Record<string, string>, html: boolean): string {
  return template.replace(/\{\{\s*(token|link|name|email)\s*\}\}/g, (_, k: string) => {
    const v = vars[k] ?? '';
    return html ? escapeHtml(v) : v;
  });
}

export function render(t: Template, vars: SendEmailJob['vars']): RenderedMail {
  const v: Record<string, string> = { email: vars.email, name: vars.name || 'User', token: vars.token ?? '', link: vars.link ?? '' };
  return { subject: fill(t.subject, v, false).replace(/[\r\n]+/g, ' '), html: fill(t.html, v, true), text: fill(t.text, v, false) };
}

/**
 * Defaults, overridden per template by files in MAIL_TEMPLATES_DIR:
 * `<template>.subject.txt`, `<template>.html`, `<template>.txt` (any subset).
 */
export function loadTemplates(dir?: string): Record<EmailTemplate, Template> {
  const out = { ...DEFAULT_TEMPLATES };
  if (!dir) return out;
  const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : undefined);
  for (const name of EMAIL_TEMPLATES) {
    out[name] = {
      subject: read(`${name}.subject.txt`)?.trim() ?? out[name].subject,
      html: read(`${name}.html`) ?? out[name].html,
      text: read(`${name}.txt`) ?? out[name].text,
    };
  }
  return out;
}
