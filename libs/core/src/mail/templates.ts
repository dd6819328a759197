import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { convert } from 'html-to-text';
import { EMAIL_TEMPLATES, type EmailTemplate, type SendEmailJob } from '@app/contracts';
import { DEFAULT_TEMPLATES, type Template } from './default-templates.js';
import { type Branding, type MailVariables, textColorOn } from './mail-branding.js';

export { DEFAULT_TEMPLATES, type Template } from './default-templates.js';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

/** The names a template may use; anything else is an error (strict mode), not an empty string. */
export const TEMPLATE_VARIABLES: readonly (keyof MailVariables)[] = Object.freeze([
  'name',
  'email',
  'token',
  'link',
  'productName',
  'productUrl',
  'logoUrl',
  'brandColor',
  'brandTextColor',
  'subject',
]);

/*
 * Handlebars, isolated from any global helper registration: `{{ x }}` is HTML-escaped in the HTML
 * part and verbatim in the subject and text part; the only helpers are `if` and `unless`,
 * prototype properties are never reachable, and a misspelt variable throws.
 */
const engine = Handlebars.create();
const OPTIONS = {
  strict: true,
  knownHelpersOnly: true,
  knownHelpers: { each: false, with: false, lookup: false, log: false },
} as const;
const compiled = new Map<string, Handlebars.TemplateDelegate>();

function compile(source: string, escape: boolean): Handlebars.TemplateDelegate {
  const key = `${escape ? 'h' : 't'}:${source}`;
  let fn = compiled.get(key);
  if (!fn) {
    fn = engine.compile(source, { ...OPTIONS, noEscape: !escape });
    // operators edit templates (MAIL_TEMPLATES_DIR, later the admin API): keep the cache bounded
    if (compiled.size >= 200) compiled.clear();
    compiled.set(key, fn);
  }
  return fn;
}

const HTTP_URL = /^https?:\/\/[^\s"'<>]+$/i;

/**
 * Renders one mail: a pure function of the template, the job's variables and the branding, so the
 * admin API can preview what the mailer will send. Throws on a template that names an unknown
 * variable, and on a link that is not an http(s) URL (it becomes a button).
 */
export function render(template: Template, vars: SendEmailJob['vars'], branding: Branding): RenderedMail {
  if (vars.link !== undefined && vars.link !== '' && !HTTP_URL.test(vars.link)) throw new Error('the link to mail is not an http(s) URL');
  const base: Omit<MailVariables, 'subject'> = {
    ...branding,
    brandTextColor: textColorOn(branding.brandColor),
    email: vars.email,
    name: vars.name?.trim() || 'there',
    token: vars.token ?? '',
    link: vars.link ?? '',
  };
  // one line whatever a variable holds: a subject is a header
  const subject = compile(
    template.subject,
    false,
  )({ ...base, subject: '' })
    .replace(/[\r\n]+/g, ' ')
    .trim();
  const all: MailVariables = { ...base, subject };
  return { subject, html: compile(template.html, true)(all), text: compile(template.text, false)(all) };
}

/** The names a template source refers to (variables and helpers), from Handlebars' own parser. */
function namesIn(source: string): string[] {
  const names: string[] = [];
  const visitor = new Handlebars.Visitor();
  visitor.PathExpression = (path: hbs.AST.PathExpression) => {
    names.push(path.original);
  };
  visitor.accept(Handlebars.parse(source));
  return names;
}

const ALLOWED_NAMES = new Set<string>([...TEMPLATE_VARIABLES, 'if', 'unless']);

/**
 * Checks a template before it is used: it parses, names only known variables (`{{ constructor }}`
 * would render empty, not fail), and renders with sample values. Throws with what is wrong.
 */
export function checkTemplate(template: Template, branding: Branding): void {
  for (const [part, source] of Object.entries(template)) {
    const unknown = [...new Set(namesIn(source).filter((n) => !ALLOWED_NAMES.has(n)))];
    if (unknown.length) throw new Error(`${part}: unknown variable ${unknown.join(', ')} (known: ${TEMPLATE_VARIABLES.join(', ')})`);
  }
  render(template, SAMPLE_VARIABLES, branding);
}

/** Values that exercise every variable, to check a template once at boot rather than per mail. */
export const SAMPLE_VARIABLES: SendEmailJob['vars'] = Object.freeze({
  email: 'ada@example.com',
  name: 'Ada',
  token: '123456',
  link: 'https://example.com/api/auth/email/verify-link?token=sample',
});

/**
 * The defaults, overridden per kind by files in MAIL_TEMPLATES_DIR (`<kind>.subject.txt`,
 * `<kind>.html`, `<kind>.txt`; any subset). Every template is rendered once here, so a broken
 * override stops the mailer at boot with the file named, instead of failing mail after mail.
 */
export function loadTemplates(dir: string | undefined, branding: Branding): Record<EmailTemplate, Template> {
  const out = { ...DEFAULT_TEMPLATES };
  for (const kind of EMAIL_TEMPLATES) {
    if (dir) {
      const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : undefined);
      out[kind] = {
        subject: read(`${kind}.subject.txt`)?.trim() ?? out[kind].subject,
        html: read(`${kind}.html`) ?? out[kind].html,
        text: read(`${kind}.txt`) ?? out[kind].text,
      };
    }
    try {
      checkTemplate(out[kind], branding);
    } catch (err) {
      throw new Error(`mail template ${kind}${dir ? ` (in ${dir})` : ''}: ${(err as Error).message}`, { cause: err });
    }
  }
  return out;
}

/** Branding for checking a template where the mailer's MAIL_* settings are not known (identity). */
export const SAMPLE_BRANDING: Branding = Object.freeze({
  productName: 'Sample',
  productUrl: 'https://example.com/',
  logoUrl: 'https://example.com/logo.png',
  brandColor: '#2563eb',
});

/** The text part of a saved template, which has only HTML: the rendered HTML as plain text. */
export function textOf(html: string): string {
  return convert(html, { wordwrap: 78, selectors: [{ selector: 'img', format: 'skip' }] });
}

/**
 * A template saved through the admin API (`subject` and `bodyHtml`, as InsForge has them): it must
 * pass {@link checkTemplate}, and its HTML may not use `{{{ x }}}` or `{{& x }}`, which would put a
 * user's own name into the mail unescaped. Throws with what is wrong.
 */
export function checkSavedTemplate(subject: string, html: string): void {
  let unescaped = false;
  const visitor = new Handlebars.Visitor();
  const descend = visitor.MustacheStatement.bind(visitor);
  visitor.MustacheStatement = (node: hbs.AST.MustacheStatement) => {
    if (!node.escaped) unescaped = true;
    descend(node);
  };
  visitor.accept(Handlebars.parse(html));
  if (unescaped) throw new Error('html: {{{ }}} and {{& }} are not allowed (values are HTML-escaped)');
  checkTemplate({ subject, html, text: '' }, SAMPLE_BRANDING);
}

/** A saved template as the mailer renders it: the text part comes from the rendered HTML. */
export function renderSaved(saved: { subject: string; html: string }, vars: SendEmailJob['vars'], branding: Branding): RenderedMail {
  const out = render({ subject: saved.subject, html: saved.html, text: '' }, vars, branding);
  return { ...out, text: textOf(out.html) };
}
