import { runService } from '@conduit/service';
import { createLogger } from '@conduit/log';
import { main, type FanoutService } from './main.ts';

let service: FanoutService | undefined;
// Only as the entry point: importing the module (warmCompileCache does) starts nothing.
if (import.meta.main) runService('fanout', async () => (service = await main()), () => service?.logger ?? createLogger({ name: 'fanout' }));
