import { runService } from '@conduit/service';
import { createLogger } from '@conduit/log';
import { main, type ProjectService } from './main.ts';

let service: ProjectService | undefined;
runService('project', async () => (service = await main()), () => service?.logger ?? createLogger({ name: 'project' }));
