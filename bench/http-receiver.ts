/**
 * The receiving end of the `http` bench scenario: accepts every POST, reads its body to the end and
 * answers 200 with an empty body (what the http sink takes as written: any 2xx). Runs as its own process
 * so that neither contender pays for it; prints `listening <port>` once ready. Counts nothing: the
 * contenders report what they wrote.
 *
 *   node bench/http-receiver.ts [--port N]   (default: a free port)
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(req.method === 'POST' ? 200 : 405, { 'content-length': '0' });
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(values.port), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
