export { runService, type RunningService } from './run-service.ts';
