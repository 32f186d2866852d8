// Dedicated-worker entry of the NATS bridge: the page hands it a hub port per bridge (src/bridge/client.ts),
// so bridged traffic never runs on the page's thread.
import * as Comlink from 'comlink';
import { createBridgeService } from '../src/bridge/service';
import { openDatabase } from '../src/storage/db';

Comlink.expose(createBridgeService(openDatabase()));
