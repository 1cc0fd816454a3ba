import { runService } from '@conduit/service';
import { createLogger } from '@conduit/log';
import { main, type OpsService } from './main.ts';

let service: OpsService | undefined;
runService('ops', async () => (service = await main()), () => service?.logger ?? createLogger({ name: 'ops' }));
