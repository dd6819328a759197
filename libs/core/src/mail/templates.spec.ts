import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMAIL_TEMPLATES } from '@app/contracts';
import { type Branding, domainOf, textColorOn } from './mail-branding.js';
import {
  checkSavedTemplate,
  DEFAULT_TEMPLATES,
  loadTemplates,
  render,
  renderSaved,
  SAMPLE_BRANDING,
  SAMPLE_VARIABLES,
} from './templates.js';

const BRAND: Branding = { productName: 'Acme & Co', productUrl: 'https://acme.example/app?a=1&b=2', logoUrl: '', brandColor: '#0a7d32' };
const CODE_KINDS = ['email-verification-code', 'request-otp', 'reset-password-code'] as const;
const LINK_KINDS = ['email-verification-link', 'reset-password-link'] as const;
const vars = {
  email: 'ada@example.com',
  name: 'Ada',
  token: '987654',
  link: 'https://auth.acme.example/api/auth/email/verify?token=abc&x=1',
};

describe.each(EMAIL_TEMPLATES)('default template %s', (kind) => {
  const mail = render(DEFAULT_TEMPLATES[kind], vars, BRAND);

  it('is a whole HTML document: doctype, lang, charset, viewport, color-scheme, title = subject', () => {
    expect(mail.html).toMatch(/^<!doctype html>\n<html lang="en"/);
    expect(mail.html).toContain('<meta charset="utf-8">');
    expect(mail.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(mail.html).toContain('<meta name="color-scheme" content="light dark">');
    expect(mail.html).toContain('@media (prefers-color-scheme: dark)');
    expect(mail.html).toContain(`<title>${mail.subject.replace(/&/g, '&amp;')}</title>`);
    expect(mail.html.match(/<body[\s>]/g)).toHaveLength(1);
    expect(mail.html.trimEnd()).toMatch(/<\/body>\n<\/html>$/);
  });

  it('fills every variable: no placeholder is left in any part', () => {
    for (const part of [mail.subject, mail.html, mail.text]) expect(part).not.toMatch(/\{\{|\}\}/);
    expect(mail.html).toContain('Acme &amp; Co');
    expect(mail.html).toContain('href="https://acme.example/app?a&#x3D;1&amp;b&#x3D;2"');
    expect(mail.text).toContain('Acme & Co · https://acme.example/app?a=1&b=2');
    expect(mail.html).toContain('ada@example.com');
    expect(mail.text).toContain('Hi Ada,');
  });

  it('has a subject in the one style, on one line, with the product name', () => {
    expect(mail.subject).toMatch(/^(Verify your email|Your sign-in code|Reset your password) for Acme & Co$/);
  });

  it('fits narrow screens: the card is fluid up to 560 px, nothing has a fixed width wider than 320 px', () => {
    expect(mail.html).toContain('max-width:560px');
    const widths = [...mail.html.matchAll(/(?:[^-]width|min-width)\s*[:=]\s*"?(\d+)px/g)].map((m) => Number(m[1]));
    expect(widths.filter((w) => w > 320)).toEqual([]);
  });
});

describe('codes and links', () => {
  it.each(CODE_KINDS)('%s: the code alone in its own block, in the text part on a line of its own', (kind) => {
    const mail = render(DEFAULT_TEMPLATES[kind], vars, BRAND);
    expect(mail.html).toMatch(/<div class="code"[^>]*>987654<\/div>/);
    expect(mail.html).toContain('user-select: all');
    expect(mail.text).toMatch(/^ {4}987654$/m);
  });

  it.each(LINK_KINDS)('%s: a button and the plain URL, both escaped; the text part has the raw URL', (kind) => {
    const mail = render(DEFAULT_TEMPLATES[kind], vars, BRAND);
    const href = 'href="https://auth.acme.example/api/auth/email/verify?token&#x3D;abc&amp;x&#x3D;1"';
    expect(mail.html.split(href)).toHaveLength(3); // the button and the plain link
    expect(mail.html).toContain('>https://auth.acme.example/api/auth/email/verify?token&#x3D;abc&amp;x&#x3D;1</a>');
    expect(mail.html).toContain('background:#0a7d32');
    expect(mail.text).toContain(`\n${vars.link}\n`);
  });

  it('refuses a link that is not http(s): it would become a clickable button', () => {
    expect(() => render(DEFAULT_TEMPLATES['reset-password-link'], { ...vars, link: 'javascript:alert(1)' }, BRAND)).toThrow(/http/);
  });
});

describe('escaping and branding', () => {
  it('escapes every value in the HTML part and keeps the subject on one line', () => {
    const evil = { ...vars, name: '<script>x</script>"\r\nBcc: x' };
    const mail = render(DEFAULT_TEMPLATES['request-otp'], evil, { ...BRAND, productName: '<b>Acme</b>' });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<b>Acme</b>');
    expect(mail.html).toContain('&lt;script&gt;x&lt;/script&gt;&quot;');
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text).toContain('<script>'); // plain text is not HTML
  });

  it('shows the logo when configured, else the product name; "there" when the user has no name', () => {
    const withLogo = render(
      DEFAULT_TEMPLATES['request-otp'],
      { ...vars, name: '' },
      { ...BRAND, logoUrl: 'https://acme.example/logo.png' },
    );
    expect(withLogo.html).toMatch(/<img src="https:\/\/acme.example\/logo.png" alt="Acme &amp; Co"/);
    expect(withLogo.text).toContain('Hi there,');
    expect(render(DEFAULT_TEMPLATES['request-otp'], vars, BRAND).html).not.toContain('<img');
  });

  it('picks readable button text for the brand colour', () => {
    expect(textColorOn('#2563eb')).toBe('#ffffff');
    expect(textColorOn('#ffeb3b')).toBe('#000000');
    expect(textColorOn('#000')).toBe('#ffffff');
    expect(textColorOn('#fff')).toBe('#000000');
  });

  it('finds the domain of a sender address', () => {
    expect(domainOf('Acme <no-reply@Mail.Acme.example>')).toBe('mail.acme.example');
    expect(domainOf('no-reply@localhost')).toBe('localhost');
    expect(domainOf('Acme')).toBeUndefined();
    expect(domainOf('a@b@c')).toBeUndefined();
  });
});

describe('operator templates (MAIL_TEMPLATES_DIR)', () => {
  const dirWith = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'tpl-'));
    for (const [f, body] of Object.entries(files)) writeFileSync(join(dir, f), body);
    return dir;
  };

  it('override any part per kind, with the same variables (old `{{ name }}` files keep working)', () => {
    const dir = dirWith({
      'request-otp.subject.txt': 'Your {{ productName }} code: {{ token }}\n',
      'request-otp.html': '<p>{{ name }}: {{ token }}</p>',
    });
    const t = loadTemplates(dir, BRAND);
    expect(t['request-otp'].text).toBe(DEFAULT_TEMPLATES['request-otp'].text);
    expect(t['reset-password-link']).toEqual(DEFAULT_TEMPLATES['reset-password-link']);
    const mail = render(t['request-otp'], vars, BRAND);
    expect(mail.subject).toBe('Your Acme & Co code: 987654');
    expect(mail.html).toBe('<p>Ada: 987654</p>');
  });

  it('a misspelt variable, an unknown helper or broken syntax stops the mailer at boot, naming the template', () => {
    expect(() => loadTemplates(dirWith({ 'request-otp.txt': 'code: {{ tokne }}' }), BRAND)).toThrow(/request-otp.*tokne/);
    expect(() => loadTemplates(dirWith({ 'reset-password-code.html': '{{ lookup this "constructor" }}' }), BRAND)).toThrow(
      /reset-password-code/,
    );
    expect(() => loadTemplates(dirWith({ 'email-verification-link.html': '{{#if link}}' }), BRAND)).toThrow(/email-verification-link/);
    expect(() => loadTemplates(dirWith({ 'request-otp.html': '{{ constructor }}' }), BRAND)).toThrow(/request-otp/);
  });

  it('the defaults render with the sample variables used at boot', () => {
    expect(() => loadTemplates(undefined, BRAND)).not.toThrow();
    expect(render(DEFAULT_TEMPLATES['email-verification-link'], SAMPLE_VARIABLES, BRAND).html).toContain(
      SAMPLE_VARIABLES.link!.replace(/=/g, '&#x3D;'),
    );
  });
});

describe('templates saved through the admin API', () => {
  it('renders a saved template with escaped values and a text part from its HTML', () => {
    checkSavedTemplate('{{ token }} is your code', '<p>Hi {{ name }}, your code is <b>{{ token }}</b></p>');
    const out = renderSaved(
      { subject: '{{ token }} is your code', html: '<p>Hi {{ name }}, your code is <b>{{ token }}</b></p>' },
      { email: 'a@example.com', name: '<img src=x>', token: '123456' },
      SAMPLE_BRANDING,
    );
    expect(out.subject).toBe('123456 is your code');
    expect(out.html).toContain('Hi &lt;img src&#x3D;x&gt;,');
    expect(out.html).not.toContain('<img');
    expect(out.text).toContain('your code is 123456');
  });

  it.each([
    ['a partial', '{{> secrets }}'],
    ['a helper that reads properties', "{{ lookup this 'constructor' }}"],
    ['a prototype walk', '{{ constructor.constructor }}'],
    ['__proto__', '{{ __proto__ }}'],
    ['each', '{{#each this}}{{this}}{{/each}}'],
    ['with', '{{#with email}}{{this}}{{/with}}'],
    ['log', '{{ log token }}'],
    ['an unknown variable', '{{ password }}'],
    ['triple-stash', '<p>{{{ name }}}</p>'],
    ['ampersand', '<p>{{& name }}</p>'],
    ['bad syntax', '<p>{{#if token}}</p>'],
  ])('refuses %s', (_what, html) => {
    expect(() => checkSavedTemplate('Subject', html)).toThrow(Error);
  });
});
