// Raw argon2id verifications per second with @node-rs/argon2 `verify` (async, on the libuv thread
// pool) at the configured parameters, `IN_FLIGHT` at once. Run as its own process, with every core.
// Prints one JSON line: {rate, ops, seconds, inFlight, params, otherCpu (other work's share of all cores)}.
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { selfMeasured } from './cpu.mjs';

const env = process.env;
const params = {
  algorithm: Algorithm.Argon2id,
  memoryCost: Number(env.PASSWORD_ARGON2_MEMORY_KIB ?? 19456),
  timeCost: Number(env.PASSWORD_ARGON2_TIME_COST ?? 2),
  parallelism: Number(env.PASSWORD_ARGON2_PARALLELISM ?? 1),
};
const inFlight = Number(env.IN_FLIGHT ?? 4);
const seconds = Number(env.SECONDS ?? 5);
const warmup = Number(env.WARMUP_SECONDS ?? 0.5);
const password = 'correct horse battery staple';
const stored = await hash(password, params);

async function run(ms) {
  const end = performance.now() + ms;
  let ops = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        if (!(await verify(stored, password))) throw new Error('verify returned false');
        ops++;
      }
    }),
  );
  return ops;
}

await run(warmup * 1000);
const t0 = performance.now();
const { out: ops, other } = await selfMeasured(() => run(seconds * 1000));
const took = (performance.now() - t0) / 1000;
const { algorithm: _a, ...shown } = params;
console.log(
  JSON.stringify({ rate: ops / took, ops, seconds: took, inFlight, params: { algorithm: 'argon2id', ...shown }, otherCpu: other }),
);
