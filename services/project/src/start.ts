import { runService } from '@conduit/service';
import { createLogger } from '@conduit/log';
import { main, type ProjectService } from './main.ts';

let service: ProjectService | undefined;
// Only as the entry point: importing the module (warmCompileCache does) starts nothing.
if (import.meta.main) runService('project', async () => (service = await main()), () => service?.logger ?? createLogger({ name: 'project' }));
