// Waits until every URL answers 2xx (or the timeout passes): node scripts/wait-ready.mjs [--timeout=S] URL...
const args = process.argv.slice(2);
const timeout = Number((args.find((a) => a.startsWith('--timeout=')) ?? '--timeout=60').split('=')[1]) * 1000;
const urls = args.filter((a) => !a.startsWith('--'));
const deadline = Date.now() + timeout;
const ok = async (u) => fetch(u, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
while (Date.now() < deadline) {
  if ((await Promise.all(urls.map(ok))).every(Boolean)) process.exit(0);
  await new Promise((r) => setTimeout(r, 200));
}
console.error(`not ready after ${timeout / 1000}s: ${urls.join(' ')}`);
process.exit(1);
