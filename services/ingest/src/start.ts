import { runService } from '@conduit/service';
import { createLogger } from '@conduit/log';
import { main, type IngestService } from './main.ts';

let service: IngestService | undefined;
// Only as the entry point: importing the module (warmCompileCache does) starts nothing.
if (import.meta.main) runService('ingest', async () => (service = await main()), () => service?.logger ?? createLogger({ name: 'ingest' }));
