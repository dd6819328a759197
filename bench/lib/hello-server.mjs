// The machine's HTTP ceiling for one Node process: a bare node:http hello world on 127.0.0.1.
import { createServer } from 'node:http';

const port = Number(process.env.HELLO_PORT ?? 29090);
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('hello');
});
server.keepAliveTimeout = 30_000;
server.listen(port, '127.0.0.1', () => console.log(`hello server on ${port}`));
const close = () => server.close(() => process.exit(0));
process.on('SIGTERM', close);
process.on('SIGINT', close);
