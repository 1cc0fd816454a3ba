import http from 'node:http';
import https from 'node:https';
import type { WebhookSettings } from './webhook-settings.ts';
import type { HttpResult } from './webhook-outcome.ts';

export interface WebhookSender {
  post(body: Buffer, headers: Readonly<Record<string, string>>): Promise<HttpResult>;
  close(): void;
}

/** Receiver replies are read and discarded; a huge one is cut off rather than buffered. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs to one subscriber's URL over a keep-alive agent sized to its concurrency. TLS 1.2+ with
 * certificate verification always on (there is no switch to turn it off); a client certificate when
 * the contract names one. The timeout covers the whole exchange, connection to last response byte.
 */
export function createWebhookSender(s: WebhookSettings): WebhookSender {
  const secure = s.url.protocol === 'https:';
  const agent = secure
    ? new https.Agent({
      keepAlive: true,
      maxSockets: s.concurrency,
      minVersion: 'TLSv1.2',
      rejectUnauthorized: true,
      ...(s.tls.ca ? { ca: [...s.tls.ca] } : {}),
      ...(s.tls.certificate ? { cert: s.tls.certificate, key: s.tls.certificate } : {}),
    })
    : new http.Agent({ keepAlive: true, maxSockets: s.concurrency });
  const request = secure ? https.request : http.request;
  return {
    post(body, headers) {
      return new Promise<HttpResult>((resolve) => {
        let settled = false;
        const finish = (r: HttpResult) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(r);
        };
        const req = request(s.url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
          let received = 0;
          res.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received > MAX_RESPONSE_BYTES) res.destroy();
          });
          const done = () => finish({ kind: 'response', status: res.statusCode ?? 0, ...(typeof res.headers['retry-after'] === 'string' ? { retryAfter: res.headers['retry-after'] } : {}) });
          res.once('end', done);
          res.once('close', done);
          res.once('error', done);
        });
        const timer = setTimeout(() => {
          finish({ kind: 'timeout' });
          req.destroy();
        }, s.timeoutMs);
        req.once('error', (err: NodeJS.ErrnoException) => finish({ kind: 'error', tls: isTlsError(err) }));
        req.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

/** OpenSSL verification codes and Node's TLS errors: a handshake that did not verify. */
function isTlsError(err: NodeJS.ErrnoException): boolean {
  const code = err.code ?? '';
  return /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME/.test(code) || /alert|certificate|handshake/i.test(err.message);
}
