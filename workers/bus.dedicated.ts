// Fallback entry of the bus hub where SharedWorker is missing: a dedicated worker of the page.
import { serveDedicatedWorkerHub } from '../src/bus/hub-hosts';

serveDedicatedWorkerHub(self);
