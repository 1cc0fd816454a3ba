export { startMllpServer, type MllpServer, type MllpServerOptions, type MllpConnectionInfo } from './mllp-server.ts';
export { MllpClient, type MllpClientOptions } from './mllp-client.ts';
