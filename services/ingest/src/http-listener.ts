import type { TLSSocket } from 'node:tls';
import { ConduitError } from '@conduit/errors';
import { decodeHl7Bytes, parseHl7Batch, type Hl7Batch, type Hl7Charset } from '@conduit/hl7v2';
import { createHttpServer, type HttpServerOptions } from '@conduit/http';
import type { ConduitLogger } from '@conduit/log';
import { checkClientCertificate } from '@conduit/mllp';
import { answerBatch, checkBatchCounts, resultOf } from './http-batch.ts';
import type { IngestMetrics } from './ingest-metrics.ts';
import type { Intake, IntakeOrigin } from './intake.ts';
import { isSourceAllowed, type ListenerConfig } from './listener-config.ts';

export interface HttpListener {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * POST /v1/messages: one HL7 v2 message, a batch (BHS…BTS) or a file (FHS…FTS) as the body, in
 * any content type, with CR, LF or CR LF segment terminators. Each message goes through the same
 * intake as an MLLP frame and is answered in the JSON body (http-batch.ts).
 */
export async function startHttpListener(listener: ListenerConfig, intake: Intake, metrics: IngestMetrics, logger: ConduitLogger): Promise<HttpListener> {
  const mode = listener.clientCertificate;
  const tls = listener.tlsMaterial;
  const https: HttpServerOptions['https'] = tls
    ? Object.assign({ key: tls.key, cert: tls.cert, ...(tls.ca ? { ca: tls.ca } : {}), requestCert: mode !== 'none', rejectUnauthorized: mode === 'required' }, { minVersion: tls.minVersion })
    : undefined;
  const app = createHttpServer({ logger: logger.child({ listener: listener.name }), bodyLimitBytes: listener.maxFrameBytes, ...(https ? { https } : {}) });
  app.server.maxConnections = listener.maxConnections;
  app.server.timeout = listener.idleTimeoutMs;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.addHook('onRequest', async (request) => {
    const address = normalize(request.socket.remoteAddress);
    if (!isSourceAllowed(listener, address)) throw new ConduitError('CDT_INGEST_SOURCE_NOT_ALLOWED');
    if (tls) {
      const check = checkClientCertificate(request.socket as TLSSocket, mode);
      if (!check.ok) {
        metrics.refusedConnection(listener.name, 'client-certificate');
        throw new ConduitError('CDT_INGEST_SOURCE_NOT_ALLOWED', 'client certificate not verified');
      }
    }
  });

  app.post('/v1/messages', async (request, reply) => {
    const body = request.body;
    if (!Buffer.isBuffer(body) || body.length === 0) throw new ConduitError('CDT_HTTP_BAD_REQUEST', 'the body must be an HL7 v2 message, batch or file');
    const started = performance.now();
    const socket = request.socket as TLSSocket;
    const subject = tls ? checkClientCertificate(socket, mode) : undefined;
    const origin: IntakeOrigin = {
      listener,
      transport: 'http',
      remoteAddress: normalize(request.socket.remoteAddress),
      ...(subject?.ok && subject.subject ? { certificateSubject: subject.subject } : {}),
    };
    let batch: Hl7Batch;
    let charset: Hl7Charset;
    try {
      const decoded = decodeHl7Bytes(body, listener.charsetOverride ? { charsetOverride: listener.charsetOverride } : {});
      charset = decoded.charset;
      batch = parseHl7Batch(decoded.text, { lenientSegmentTerminators: true });
    } catch (err) {
      // One unreadable upload is one refusal, answered as a problem with its catalog code.
      const outcome = intake.refuse(err, undefined, origin);
      metrics.observe(listener.name, 'http', outcome, (performance.now() - started) / 1000);
      throw err instanceof ConduitError ? err : new ConduitError('CDT_INTERNAL');
    }
    if (batch.messages.length === 0) throw new ConduitError('CDT_HL7_NOT_HL7', 'no MSH segment in the body');
    checkBatchCounts(batch);
    // Started together so their writes share produce requests; each claim and write is issued
    // in upload order, which keeps one patient's messages in order on its partition.
    const outcomes = await Promise.all(batch.messages.map((m) => intake.receiveParsed(m, charset, origin)));
    const seconds = (performance.now() - started) / 1000;
    for (const outcome of outcomes) metrics.observe(listener.name, 'http', outcome, seconds);
    const answer = answerBatch(outcomes.map((o, i) => resultOf(o, i + 1, request.url)), request.url);
    if (answer.retryAfter !== undefined) void reply.header('retry-after', String(answer.retryAfter));
    return reply.code(answer.status).type(answer.contentType).send(answer.body);
  });

  await app.listen({ host: listener.host, port: listener.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : listener.port;
  logger.info({ listener: listener.name, port, tls: Boolean(tls), clientCertificate: mode }, 'HTTP listener started');
  return { port, close: () => app.close() };
}

function normalize(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
