import { runService } from '@conduit/service';
import { createLogger } from '@conduit/log';
import { main, type OpsService } from './main.ts';

let service: OpsService | undefined;
// Only as the entry point: importing the module (warmCompileCache does) starts nothing.
if (import.meta.main) runService('ops', async () => (service = await main()), () => service?.logger ?? createLogger({ name: 'ops' }));
