/**
 * The repository stands alone: a fresh clone installs, tests and runs from the README on a
 * machine whose `node` is older than ours, the install leaves `git status` clean, and no
 * document points outside the repository. Offline checks of the files (no install, no network).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

type LockEntry = { resolved?: string; optionalDependencies?: Record<string, string>; hasInstallScript?: boolean };
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, LockEntry> };
const pkg = JSON.parse(read('package.json')) as {
  scripts: Record<string, string>;
  allowScripts?: Record<string, boolean | string>;
  scarfSettings?: { enabled?: boolean };
};

/** Where npm would find `name` for the package at `location`: its own node_modules, then each ancestor's. */
function resolveInLock(location: string, name: string): string | undefined {
  let base = location;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (candidate in lock.packages) return candidate;
    if (!base) return undefined;
    const up = base.lastIndexOf('/node_modules/');
    base = up < 0 ? '' : base.slice(0, up);
  }
}

const packageName = (location: string) => location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);

describe('package-lock.json', () => {
  it('records every optional package of every platform, so `npm install` anywhere leaves it unchanged and `npm ci` accepts it', () => {
    // npm 11 adds the missing foreign-platform binaries (darwin, win32, musl...) on a fresh clone.
    const missing: string[] = [];
    for (const [location, entry] of Object.entries(lock.packages)) {
      for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
        if (!resolveInLock(location, dep)) missing.push(`${location || '(root)'} -> ${dep}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('holds no registry URLs (.npmrc: omit-lockfile-registry-resolved, whatever ~/.npmrc says)', () => {
    expect(read('.npmrc')).toMatch(/^omit-lockfile-registry-resolved=true$/m);
    const withUrl = Object.entries(lock.packages).filter(([, e]) => e.resolved?.startsWith('http'));
    expect(withUrl.map(([location]) => location)).toEqual([]);
  });

  it('has a reviewed allowScripts decision for every dependency with an install script (none runs unreviewed)', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([location, e]) => location && e.hasInstallScript)
      .map(([location]) => packageName(location));
    expect(withScripts.length).toBeGreaterThan(0);
    const undecided = withScripts.filter((name) => pkg.allowScripts?.[name] === undefined);
    expect(undecided).toEqual([]);
  });

  it('never runs the Scarf telemetry postinstall (denied, and opted out for npm versions that ignore allowScripts)', () => {
    expect(pkg.allowScripts?.['@scarf/scarf']).toBe(false);
    expect(pkg.scarfSettings?.enabled).toBe(false);
  });
});

describe('npm scripts', () => {
  it.each(Object.entries(pkg.scripts))('`npm run %s` goes through the Node 24 bootstrap and its script exists', (_name, command) => {
    const m = /^bash (scripts\/[\w.-]+\.sh)(?: |$)/.exec(command);
    expect(m).not.toBeNull();
    const script = m![1];
    expect(existsSync(join(ROOT, script))).toBe(true);
    expect(read(script)).toMatch(/^source "\$\(dirname "\$0"\)\/env\.sh"$/m);
  });
});

/** Markdown files a user reads: the README and everything under docs/. */
function userDocs(): string[] {
  const docs = existsSync(join(ROOT, 'docs'))
    ? readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`)
    : [];
  return ['README.md', 'bench/README.md', ...docs];
}

/** GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces as dashes. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
const anchorsOf = (markdown: string) => new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));

describe('README and docs', () => {
  it.each(userDocs())('%s links only to files and headings inside the repository that exist', (doc) => {
    const text = read(doc);
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target)) continue;
      const [file, anchor] = target.split('#');
      const abs = file ? resolve(dirname(join(ROOT, doc)), file) : join(ROOT, doc);
      if (relative(ROOT, abs).startsWith('..') || !existsSync(abs)) broken.push(target);
      else if (anchor && abs.endsWith('.md') && !anchorsOf(readFileSync(abs, 'utf8')).has(anchor)) broken.push(target);
    }
    expect(broken).toEqual([]);
    expect(text).not.toMatch(/\.\.\/shared\//);
  });

  it.each(userDocs())('every `npm run <script>` that %s names exists', (doc) => {
    const named = [...read(doc).matchAll(/npm run (?:-s )?([\w:-]+)/g)].map((m) => m[1]);
    expect(named.filter((name) => !(name in pkg.scripts))).toEqual([]);
  });
});
