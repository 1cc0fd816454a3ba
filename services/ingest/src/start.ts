import { runService } from '@conduit/service';
import { createLogger } from '@conduit/log';
import { main, type IngestService } from './main.ts';

let service: IngestService | undefined;
runService('ingest', async () => (service = await main()), () => service?.logger ?? createLogger({ name: 'ingest' }));
