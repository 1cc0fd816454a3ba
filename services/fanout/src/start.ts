import { runService } from '@conduit/service';
import { createLogger } from '@conduit/log';
import { main, type FanoutService } from './main.ts';

let service: FanoutService | undefined;
runService('fanout', async () => (service = await main()), () => service?.logger ?? createLogger({ name: 'fanout' }));
