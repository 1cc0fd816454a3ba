export { startMllpServer, type MllpServer, type MllpServerOptions, type MllpConnectionInfo, type MllpReply, type MllpRefusal } from './mllp-server.ts';
export { MllpClient, type MllpClientOptions } from './mllp-client.ts';
export { checkClientCertificate, tlsOptionsFor, type ClientCertificateMode, type ClientCertificateCheck } from './client-certificate.ts';
export { createTestPki, type TestPki } from './test-pki.ts';
