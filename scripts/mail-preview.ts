// `npm run mail:preview`: renders every default mail template with sample values and a sample
// brand, and screenshots it in Debian's Chromium (playwright-core, no browser download) at 375 and
// 600 px, light and dark, into docs/mail-previews/<kind>-<width>-<scheme>.png (and the .html/.txt).
// Bundled by esbuild first (scripts/mail-preview.sh), so it imports the mailer's real renderer.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { EMAIL_TEMPLATES } from '@app/contracts';
import type { Branding } from '../libs/core/src/mail/mail-branding.ts';
import { DEFAULT_TEMPLATES, render } from '../libs/core/src/mail/templates.ts';

const ROOT = resolve(process.env.ROOT ?? '.');
const OUT = join(ROOT, process.env.MAIL_PREVIEW_DIR ?? 'docs/mail-previews');
const WIDTHS = [375, 600];
const SCHEMES = ['light', 'dark'] as const;

const branding: Branding = { productName: 'Acme', productUrl: 'https://acme.example', logoUrl: '', brandColor: '#2563eb' };
const TOKEN = '5f0c1e9d8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e';
const varsFor = (kind: string) => ({
  email: 'ada@example.com',
  name: 'Ada',
  token: '482913',
  link: `https://acme.example/api/auth/email/${kind.startsWith('reset') ? 'reset-password-link' : 'verify-link'}?token=${TOKEN}`,
});

const executablePath = execFileSync('bash', [join(ROOT, 'scripts/ensure-chromium.sh')], { encoding: 'utf8' }).trim();
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--no-first-run',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  mkdirSync(OUT, { recursive: true });
  for (const kind of EMAIL_TEMPLATES) {
    const mail = render(DEFAULT_TEMPLATES[kind], varsFor(kind), branding);
    writeFileSync(join(OUT, `${kind}.html`), mail.html);
    writeFileSync(join(OUT, `${kind}.txt`), `Subject: ${mail.subject}\n\n${mail.text}`);
    for (const width of WIDTHS) {
      for (const colorScheme of SCHEMES) {
        const page = await browser.newPage({ viewport: { width, height: 640 }, colorScheme, deviceScaleFactor: 1 });
        // the page may fetch nothing: a template that loads remote content shows up as a failure
        await page.route('**/*', (route) => route.abort());
        await page.setContent(mail.html, { waitUntil: 'load' });
        const file = join(OUT, `${kind}-${width}-${colorScheme}.png`);
        await page.screenshot({ path: file, fullPage: true });
        await page.close();
        console.log(file);
      }
    }
  }
} finally {
  await browser.close();
}
