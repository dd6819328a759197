// The paced (open-loop) generator in a process of its own: the runner's heap (autocannon's state,
// harvested sessions) and its garbage collections then cannot delay a request and show up as the
// platform's tail. Options come as JSON in PACED_OPTIONS; the result is printed as one JSON line.
import { paced } from './load.mjs';

const opts = JSON.parse(process.env.PACED_OPTIONS ?? '{}');
const result = await paced(opts);
process.stdout.write(`${JSON.stringify(result)}\n`);
