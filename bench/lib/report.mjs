// Turns the results object into the printed table, the ratios against the targets, and the
// Markdown written to bench/results/latest.md.

const num = (v, digits = 0) =>
  v === null || v === undefined || Number.isNaN(v)
    ? '–'
    : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ms = (v) => (v === null || v === undefined ? '–' : v < 10 ? num(v, 2) : v < 100 ? num(v, 1) : num(v, 0));
const rate = (v) => (v === null || v === undefined ? '–' : v < 100 ? num(v, 1) : num(v, 0));

function statusNote(r) {
  if (!r || r.skipped || r.error) return '';
  const bad = { ...r.statusCodes };
  for (const k of Object.keys(bad)) if (k.startsWith('2')) delete bad[k];
  const parts = Object.entries(bad).map(([k, v]) => `${v}×${k}`);
  if (r.non2xx && !parts.length) parts.push(`${r.non2xx} non-2xx`);
  if (r.errors) parts.push(`${r.errors} errors`);
  if (r.timeouts) parts.push(`${r.timeouts} timeouts`);
  return parts.length ? `not 2xx: ${parts.join(', ')}` : '';
}

const pct = (v) => (v === null || v === undefined ? '–' : `${num(v * 100)}%`);
const pctOf = (v) => (v === null || v === undefined ? '–' : `${num(v * 100, v < 0.1 ? 2 : 1)}%`); // a small share, with its decimals
const cell = (r) => {
  if (!r) return ['–', '–', '–', '–'];
  if (r.skipped) return ['skipped', '', '', ''];
  if (r.error) return ['failed', '', '', ''];
  return [rate(r.rps ?? r.achievedRate), ms(r.p50), ms(r.p99), pct(r.otherCpu)];
};

/** Rows of the endpoint table: [label, gateway result, direct result, note]. */
export function endpointRows(res) {
  const e = res.endpoints;
  const rows = [
    ['password sign-in `POST /api/auth/sessions`', e.signIn],
    ['refresh `POST /api/auth/refresh` (rotating chains)', e.refresh],
    ['`GET /api/auth/sessions/current`', e.current],
    ['… same at half its saturation rate (paced)', e.currentHalf],
    ['Gorb login `POST /v1/login` (username)', e.gorbLogin],
    ['profile `GET /api/auth/profiles/:userId`', e.profileGet],
    ['profile `PATCH /api/auth/profiles/current`', e.profilePatch],
    [`admin \`GET /api/auth/users?search=\` (${num(res.directory?.total ?? res.config?.directoryUsers)} users)`, e.usersSearch],
  ];
  return rows.map(([label, pair]) => {
    if (!pair) return [label, null, null, ''];
    if (pair.skipped) return [label, { skipped: true }, { skipped: true }, pair.skipped];
    if (pair.error) return [label, { error: true }, { error: true }, `failed: ${pair.error}`];
    const notes = [];
    for (const via of ['gateway', 'direct']) {
      const r = pair[via];
      if (r?.error) notes.push(`${via}: failed: ${r.error}`);
      const s = statusNote(r);
      if (s) notes.push(`${via}: ${s}`);
      if (r?.rate)
        notes.push(
          `${via}: target ${num(r.rate)}/s${r.maxSchedulerLagMs !== undefined ? `, the paced generator (${r.generator ?? 'in the runner'}) used ${num((r.loadgenCpu ?? 0) * 100)}% of a core and fell behind its schedule by ${ms(r.maxSchedulerLagMs)} ms at worst` : ''}${r.late1ms != null ? ` (requests sent over 1 ms late: ${pctOf(r.late1ms)}, over 5 ms: ${pctOf(r.late5ms)})` : ''}`,
        );
      if (r?.loadgenCpu >= 0.8)
        notes.push(`${via}: the load generator used ${num(r.loadgenCpu * 100)}% of its core (it may have set the pace)`);
    }
    return [label, pair.gateway, pair.direct, notes.join('; ')];
  });
}

export function ratioRows(res) {
  return res.ratios.map((r) => {
    const fmt = (v) =>
      v === null || v === undefined ? '–' : r.unit === 'ms' ? `${ms(v)} ms` : r.unit === '/s' ? `${rate(v)}/s` : num(v, 2);
    const verdict = (v) => {
      if (v === null || v === undefined || !r.target) return '';
      const met = r.target.op === '>=' ? v >= r.target.value : v < r.target.value;
      return met ? 'met' : 'NOT met';
    };
    return {
      name: r.name,
      target: r.target ? `${r.target.op} ${r.unit === 'ms' ? `${r.target.value} ms` : r.target.value}` : '(none)',
      gateway: fmt(r.gateway),
      gatewayVerdict: verdict(r.gateway),
      direct: fmt(r.direct),
      directVerdict: verdict(r.direct),
    };
  });
}

function mdTable(header, rows) {
  const esc = (s) => String(s ?? '').replaceAll('|', '\\|');
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join(
    '\n',
  );
}

function textTable(header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c ?? '').replaceAll('`', '')));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

function tables(res) {
  const m = res.machine;
  const runs = (k, f) => {
    const all = (m[`${k}Runs`] ?? []).map((r) => (r.error ? 'failed' : f(r)));
    return all.length > 1 ? ` (best of ${all.join(', ')})` : '';
  };
  const machineRows = [
    [
      `raw argon2id verify, all cores (${m.argon2?.inFlight ?? '?'} in flight, m=${m.argon2?.params?.memoryCost ?? '?'} KiB t=${m.argon2?.params?.timeCost ?? '?'} p=${m.argon2?.params?.parallelism ?? '?'})`,
      m.argon2?.error ? 'failed' : `${rate(m.argon2?.rate)}/s${runs('argon2', (r) => rate(r.rate))}`,
      '',
      '',
      pct(m.argon2?.otherCpu),
    ],
    [
      `bare node:http hello (${m.hello?.connections ?? '?'} connections)`,
      m.hello?.error ? 'failed' : `${rate(m.hello?.rps)}/s${runs('hello', (r) => rate(r.rps))}`,
      ms(m.hello?.p50),
      ms(m.hello?.p99),
      pct(m.hello?.otherCpu),
    ],
  ];
  const machineNotes = [];
  if (m.hello?.loadgenCpu >= 0.8)
    machineNotes.push(
      `the load generator used ${num(m.hello.loadgenCpu * 100)}% of its core during the hello run: the bare-node figure is partly the generator's limit`,
    );
  const epHeader = ['endpoint', 'gateway req/s', 'p50 ms', 'p99 ms', 'other CPU', 'direct req/s', 'p50 ms', 'p99 ms', 'other CPU'];
  const epRows = endpointRows(res).map(([label, g, d]) => [label, ...cell(g), ...cell(d)]);
  const notes = endpointRows(res)
    .filter(([, , , n]) => n)
    .map(([label, , , n]) => `${label.replaceAll('`', '')}: ${n}`);
  const mailHeader = [
    'mail (send-otp → SMTP accepted)',
    'paced msgs',
    'p50 ms',
    'p99 ms',
    'histogram mean ms',
    'backlog',
    'drained msgs/s',
    'other CPU (paced part)',
  ];
  const mailRows = [];
  const blank = ['', '', '', '', '', '', ''];
  if (res.mail?.skipped) mailRows.push([`mail: ${res.mail.skipped}`, ...blank]);
  else if (res.mail?.error) mailRows.push([`mail: failed: ${res.mail.error}`, ...blank]);
  else
    for (const [k, label] of [
      ['one', 'one mailer process'],
      ['two', 'two mailer processes'],
    ]) {
      const r = res.mail?.[k];
      if (!r) continue;
      if (r.error) mailRows.push([`${label}: failed: ${r.error}`, ...blank]);
      else
        mailRows.push([
          label,
          `${r.latency.delivered}/${r.latency.messages} at ${r.latency.rate}/s`,
          ms(r.latency.p50),
          ms(r.latency.p99),
          ms(r.latency.histogramMeanMs),
          `${r.drain.delivered}/${r.drain.messages}`,
          rate(r.drain.messagesPerSecond),
          pct(r.otherCpu),
        ]);
    }
  // CPU per delivered message while a backlog drains, per process role.
  const mailRoles = ['mailer', 'sink', 'redis', 'identity', 'postgres'];
  const mailCpuHeader = ['backlog drain', 'msgs/s', 'mailer(s)', 'SMTP sink', 'Redis', 'identity', 'PostgreSQL', 'total (all processes)', 'cores busy'];
  const mailCpuRows = [];
  for (const [k, label] of [
    ['one', 'one mailer process'],
    ['two', 'two mailer processes'],
  ]) {
    const d = res.mail?.[k]?.drain;
    if (!d?.cpuPerMessageUs) continue;
    const per = d.cpuPerMessageUs;
    const total = Object.values(per).reduce((a, b) => a + b, 0);
    mailCpuRows.push([
      label,
      rate(d.messagesPerSecond),
      ...mailRoles.map((r) => (per[r] ? num(per[r]) : '')),
      num(total),
      num(d.cpuCoresBusy, 2),
    ]);
  }
  // CPU per answered request, per process role: where a request's cost goes (µs of CPU time).
  const roles = ['identity', 'profiles', 'gateway', 'postgres', 'redis', 'loadgen'];
  const cpuHeader = [
    'endpoint',
    'via',
    'req/s',
    'identity',
    'of which libuv pool',
    'profiles',
    'nginx',
    'PostgreSQL',
    'Redis',
    'load generator',
    'total',
    'cores busy',
    'waited for a core',
  ];
  const cpuRows = [];
  for (const [label, gateway, direct] of endpointRows(res)) {
    for (const [via, r] of [
      ['gateway', gateway],
      ['direct', direct],
    ]) {
      const rps = r?.rps ?? r?.achievedRate;
      if (!r?.cpuCores || !rps) continue;
      const us = (c) => (c ? num((c * 1e6) / rps) : '');
      const total = roles.reduce((a, k) => a + (r.cpuCores[k] ?? 0), 0);
      const cells = roles.map((k) => us(r.cpuCores[k]));
      cells.splice(1, 0, us(r.identityPoolCores)); // a part of identity's, not added to the total
      cpuRows.push([label, via, rate(rps), ...cells, us(total), num(total, 2), pct(r.cpuPressure)]);
    }
  }
  const ratioHeader = ['ratio', 'target', 'gateway', '', 'direct', ''];
  const ratios = ratioRows(res).map((r) => [r.name, r.target, r.gateway, r.gatewayVerdict, r.direct, r.directVerdict]);
  return {
    machineRows,
    machineNotes,
    epHeader,
    epRows,
    notes,
    mailHeader,
    mailRows,
    mailCpuHeader,
    mailCpuRows,
    ratioHeader,
    ratios,
    cpuHeader,
    cpuRows,
  };
}

export function printReport(res) {
  const t = tables(res);
  const out = [];
  out.push('', '== machine limits ==', textTable(['measurement', 'rate', 'p50 ms', 'p99 ms', 'other CPU'], t.machineRows));
  for (const n of t.machineNotes) out.push(`  note: ${n}`);
  out.push('', '== endpoints (gateway = through the gateway; direct = identity/profiles port) ==', textTable(t.epHeader, t.epRows));
  for (const n of t.notes) out.push(`  note: ${n}`);
  out.push('', '== CPU time per request (µs), by process ==', textTable(t.cpuHeader, t.cpuRows));
  out.push('', '== mail ==', textTable(t.mailHeader, t.mailRows));
  if (t.mailCpuRows.length)
    out.push('', '== CPU time per message while a backlog drains (µs), by process ==', textTable(t.mailCpuHeader, t.mailCpuRows));
  out.push('', '== ratios and targets ==', textTable(t.ratioHeader, t.ratios));
  for (const s of res.skipped) out.push(`  ${s}`);
  for (const w of res.warnings) out.push(`  WARNING ${w}`);
  for (const e of res.errors) out.push(`  ERROR ${e}`);
  return out.join('\n');
}

export function markdownReport(res) {
  const t = tables(res);
  const m = res.method;
  return [
    `# Benchmark results`,
    '',
    `${res.date} · Node ${res.node} · ${res.cpu.model} · ${res.cpu.cores} cores · commit ${res.git.commit}${res.git.dirty ? ' (with uncommitted changes)' : ''} · ${num(res.totalSeconds)} s · CPU busy with other work before the run: ${res.cpuBusyBefore === null || res.cpuBusyBefore === undefined ? '?' : `${num(res.cpuBusyBefore * 100)}%`} (load average ${res.loadavg.before.join(' ')})`,
    '',
    `Produced by \`npm run bench\` (scripts/bench.sh, bench/run.mjs). Not a test: targets are reported, not enforced.`,
    '',
    '## How it was run',
    '',
    ...m.notes.map((n) => `- ${n}`),
    ...res.warnings.map((w) => `- **warning:** ${w}`),
    '',
    '## Machine limits',
    '',
    mdTable(['measurement', 'rate', 'p50 ms', 'p99 ms', 'other CPU'], t.machineRows),
    '',
    ...t.machineNotes.map((n) => `- ${n}`),
    ...(t.machineNotes.length ? [''] : []),
    '## Endpoints',
    '',
    mdTable(t.epHeader, t.epRows),
    '',
    ...t.notes.map((n) => `- ${n}`),
    '',
    '## Where the CPU went',
    '',
    'CPU time per answered request, in µs, by process (from /proc over the same window as the row above; "cores busy" = all of them together, out of ' +
      res.cpu.cores +
      "). nginx = the gateway's master and workers; the load generator = the runner and the wrk it starts; \"of which libuv pool\" = the part of identity's that its libuv pool threads used (argon2id runs there; the rest is its main thread, the garbage collector's helpers and the like); \"waited for a core\" = the share of the time at least one runnable task on the machine waited for a core (Linux's CPU pressure, /proc/pressure/cpu).",
    '',
    mdTable(t.cpuHeader, t.cpuRows),
    '',
    '## Mail',
    '',
    mdTable(t.mailHeader, t.mailRows),
    '',
    ...(t.mailCpuRows.length
      ? [
          'CPU time per delivered message while the backlog drains, in µs, by process (from the moment the mailers are ready until the last message arrived; the total counts every process of the run; "cores busy" out of ' +
            res.cpu.cores +
            ').',
          '',
          mdTable(t.mailCpuHeader, t.mailCpuRows),
          '',
        ]
      : []),
    '## Ratios and targets',
    '',
    mdTable(t.ratioHeader, t.ratios),
    '',
    ...res.skipped.map((s) => `- ${s}`),
    ...res.errors.map((e) => `- **error:** ${e}`),
    '',
  ].join('\n');
}
