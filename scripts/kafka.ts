// Usage: npm run kafka -- start|stop|status|reset
import { brokerLog, brokerStatus, localBrokerAddress, resetBroker, startBroker, stopBroker } from './lib/kafka-broker.ts';

const command = process.argv[2] ?? 'status';
switch (command) {
  case 'start': {
    const state = await startBroker();
    console.log(`kafka: ${state} at ${localBrokerAddress()} (log: ${brokerLog})`);
    break;
  }
  case 'stop':
    console.log((await stopBroker()) ? 'kafka: stopped' : 'kafka: was not running');
    break;
  case 'status': {
    const s = await brokerStatus();
    console.log(`kafka: ${s.pid !== null ? `running, pid ${s.pid}` : 'not started by this project'}; ${localBrokerAddress()} ${s.listening ? 'accepts connections' : 'closed'} (log: ${brokerLog})`);
    break;
  }
  case 'reset':
    await resetBroker();
    console.log('kafka: stopped and data removed; `npm run kafka -- start` formats fresh storage');
    break;
  default:
    console.error(`kafka: unknown command "${command}"; use start | stop | status | reset`);
    process.exit(2);
}
