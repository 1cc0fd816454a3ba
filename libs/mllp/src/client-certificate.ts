import type { TLSSocket, TlsOptions } from 'node:tls';

/**
 * Whether a listener asks for client certificates (mTLS): 'none' never; 'optional' verifies one
 * when presented and admits clients without; 'required' admits only verified ones.
 */
export type ClientCertificateMode = 'none' | 'optional' | 'required';

/** Node TLS server options for a mode; TLS 1.2 is the floor (architecture: TLS 1.2+). */
export function tlsOptionsFor(mode: ClientCertificateMode, base: TlsOptions): TlsOptions {
  return {
    minVersion: 'TLSv1.2',
    ...base,
    requestCert: mode !== 'none',
    // 'optional' must let certificate-less clients through the handshake; a presented but
    // unverified certificate is then refused by checkClientCertificate.
    rejectUnauthorized: mode === 'required',
  };
}

export type ClientCertificateCheck =
  | { readonly ok: true; readonly subject?: string }
  | { readonly ok: false; readonly reason: string };

/**
 * After the handshake: the verified certificate's subject (e.g. "CN=ehr-feed,O=Hospital"), or
 * why the peer is refused. Only a verified certificate's subject is reported: an unverified one
 * names whoever the client claims to be.
 */
export function checkClientCertificate(socket: TLSSocket, mode: ClientCertificateMode): ClientCertificateCheck {
  if (mode === 'none') return { ok: true };
  const cert = socket.getPeerCertificate();
  const presented = cert !== null && typeof cert === 'object' && Object.keys(cert).length > 0;
  if (!presented) return mode === 'required' ? { ok: false, reason: 'no client certificate' } : { ok: true };
  if (!socket.authorized) return { ok: false, reason: String(socket.authorizationError ?? 'client certificate not verified') };
  const subject = Object.entries(cert.subject ?? {})
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(',');
  return subject ? { ok: true, subject } : { ok: true };
}
