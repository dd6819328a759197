// A real SMTP server for the end-to-end tests (smtp-server + mailparser), with a small HTTP API
// so that test files can read what arrived and make the server refuse mail for a while.
//   GET  /messages[?to=addr]   parsed messages, oldest first
//   POST /refuse?count=N       answer the next N messages with 451 (temporary failure)
//   POST /delay?ms=N           hold each accepted message N ms before answering 250; a message
//                              whose client disconnected meanwhile is dropped, not recorded
//   POST /hold, POST /release  hold every message (unanswered) until released; GET /held counts them
//   DELETE /messages           forget everything
// SMTP AUTH (PLAIN/LOGIN, without TLS) is optional; when a client authenticates, only
// SINK_SMTP_USER/SINK_SMTP_PASSWORD are accepted and the message records `authUser`.
import { simpleParser } from 'mailparser';
import { createServer } from 'node:http';
import { SMTPServer } from 'smtp-server';

const smtpPort = Number(process.env.SINK_SMTP_PORT ?? 2525);
const httpPort = Number(process.env.SINK_HTTP_PORT ?? 2580);
const authUser = process.env.SINK_SMTP_USER ?? 'sink-user';
const authPassword = process.env.SINK_SMTP_PASSWORD ?? 'sink-password';
let messages = [];
let refuse = 0;
let delayMs = 0;
let holding = false;
let held = 0;
const closed = new Set();

const smtp = new SMTPServer({
  authOptional: true,
  allowInsecureAuth: true,
  authMethods: ['PLAIN', 'LOGIN'],
  onAuth(auth, _session, cb) {
    if (auth.username === authUser && auth.password === authPassword) return cb(null, { user: auth.username });
    const err = new Error('Invalid username or password');
    err.responseCode = 535;
    cb(err);
  },
  disableReverseLookup: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  size: 1024 * 1024,
  onClose(session) {
    closed.add(session.id);
  },
  onData(stream, session, cb) {
    if (refuse > 0) {
      refuse--;
      stream.resume();
      stream.on('end', () => {
        const err = new Error('Try again later');
        err.responseCode = 451;
        cb(err);
      });
      return;
    }
    simpleParser(stream).then(
      async (m) => {
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
        if (holding) {
          held++;
          const stillHeld = () => holding && !closed.has(session.id);
          while (stillHeld()) await new Promise((r) => setTimeout(r, 20));
          held--;
        }
        if (closed.has(session.id)) return; // the sender died before we answered: not delivered
        messages.push({
          messageId: m.messageId,
          to: (Array.isArray(m.to) ? m.to : [m.to]).flatMap((t) => t?.value?.map((v) => v.address) ?? []),
          from: m.from?.text,
          subject: m.subject,
          text: m.text,
          html: typeof m.html === 'string' ? m.html : '',
          headers: Object.fromEntries([...m.headers].map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
          receivedAt: new Date().toISOString(),
          authUser: session.user ?? null,
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
        });
        cb();
      },
      (err) => cb(err),
    );
  },
});
smtp.on('error', (err) => console.error('smtp error', err.message));
smtp.listen(smtpPort, '127.0.0.1');

createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const json = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method === 'GET' && url.pathname === '/messages') {
    const to = url.searchParams.get('to')?.toLowerCase();
    return json(200, to ? messages.filter((m) => m.to.some((a) => a.toLowerCase() === to)) : messages);
  }
  if (req.method === 'DELETE' && url.pathname === '/messages') {
    messages = [];
    return json(200, { ok: true });
  }
  if (req.method === 'POST' && url.pathname === '/delay') {
    delayMs = Number(url.searchParams.get('ms') ?? 0);
    return json(200, { delayMs });
  }
  if (req.method === 'POST' && (url.pathname === '/hold' || url.pathname === '/release')) {
    holding = url.pathname === '/hold';
    return json(200, { holding });
  }
  if (req.method === 'GET' && url.pathname === '/held') return json(200, { held });
  if (req.method === 'POST' && url.pathname === '/refuse') {
    refuse = Number(url.searchParams.get('count') ?? 0);
    return json(200, { refuse });
  }
  if (url.pathname === '/health') return json(200, { ok: true, messages: messages.length });
  json(404, { error: 'not found' });
}).listen(httpPort, '127.0.0.1');
console.log(`mail sink: smtp ${smtpPort}, http ${httpPort}`);
