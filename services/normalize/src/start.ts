import { runService } from '@conduit/service';
import { createLogger } from '@conduit/log';
import { main, type NormalizeService } from './main.ts';

let service: NormalizeService | undefined;
// Only as the entry point: importing the module (warmCompileCache does) starts nothing.
if (import.meta.main) runService('normalize', async () => (service = await main()), () => service?.logger ?? createLogger({ name: 'normalize' }));
