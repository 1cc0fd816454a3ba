import { runService } from '@conduit/service';
import { createLogger } from '@conduit/log';
import { main, type NormalizeService } from './main.ts';

let service: NormalizeService | undefined;
runService('normalize', async () => (service = await main()), () => service?.logger ?? createLogger({ name: 'normalize' }));
