// Usage: npm run kafka -- start|stop|status|reset
import { devBroker } from './lib/kafka-broker.ts';

const command = process.argv[2] ?? 'status';
switch (command) {
  case 'start':
    console.log(`kafka: ${await devBroker.start()} at ${devBroker.address} (log: ${devBroker.logFile})`);
    break;
  case 'stop':
    console.log((await devBroker.stop()) ? 'kafka: stopped' : 'kafka: was not running');
    break;
  case 'status': {
    const s = await devBroker.status();
    console.log(`kafka: ${s.pid !== null ? `running, pid ${s.pid}` : 'not started by this project'}; ${devBroker.address} ${s.listening ? 'accepts connections' : 'closed'} (log: ${devBroker.logFile})`);
    break;
  }
  case 'reset':
    await devBroker.reset();
    console.log('kafka: stopped and data removed; `npm run kafka -- start` formats fresh storage');
    break;
  default:
    console.error(`kafka: unknown command "${command}"; use start | stop | status | reset`);
    process.exit(2);
}
