/** TLS material the tests make for themselves with openssl: nothing is checked in or fetched. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * A self-signed certificate for `commonName` and its key, valid one day, as PEM files `NAME.crt` and
 * `NAME.key` in `dir` (`openssl req -x509`). Also what a test CA is.
 */
export function selfSignedCertificate(
  dir: string,
  name: string,
  commonName: string,
): { cert: string; key: string } {
  const pair = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${commonName}`,
      '-keyout',
      pair.key,
      '-out',
      pair.cert,
    ],
    { stdio: 'pipe' },
  );
  return pair;
}
