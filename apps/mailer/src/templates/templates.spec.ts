import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TEMPLATES, fill, loadTemplates, render } from './templates.js';

describe('mail templates', () => {
  it('renders InsForge default subjects with the variables', () => {
    const m = render(DEFAULT_TEMPLATES['request-otp'], { email: 'a@b.co', token: '123456' });
    expect(m.subject).toBe('123456 is your verification code');
    expect(m.text).toContain('123456');
    expect(render(DEFAULT_TEMPLATES['email-verification-code'], { email: 'a@b.co', token: '1' }).text).toContain('Hi User');
  });

  it('escapes values in HTML and never lets them break the subject line', () => {
    const m = render(
      { subject: 'Hi {{ name }}', html: '<p>{{ name }}</p>', text: '{{ name }}' },
      { email: 'a@b.co', name: '<script>x</script>\r\nBcc: x' },
    );
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('&#60;script&#62;');
    expect(m.subject).not.toMatch(/[\r\n]/);
    expect(m.text).toContain('<script>');
  });

  it('fills only the known variables', () => {
    expect(fill('{{ token }} {{ constructor }} {{link}}', { token: 't', link: 'l' }, false)).toBe('t {{ constructor }} l');
  });

  it('takes overrides from a folder, per part', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpl-'));
    writeFileSync(join(dir, 'request-otp.subject.txt'), 'Your code: {{ token }}\n');
    const t = loadTemplates(dir);
    expect(t['request-otp'].subject).toBe('Your code: {{ token }}');
    expect(t['request-otp'].text).toBe(DEFAULT_TEMPLATES['request-otp'].text);
    expect(t['reset-password-link']).toEqual(DEFAULT_TEMPLATES['reset-password-link']);
  });
});
