// Messages that hand hub ports between threads (page → dedicated fallback hub, page → worker).

export type HubHostMessage = { type: 'sentio.hub.connect'; port: MessagePort };
export type WorkerBusMessage = { type: 'sentio.bus.port'; port: MessagePort; name: string };

export function isWorkerBusMessage(x: unknown): x is WorkerBusMessage {
  return (
    (x as WorkerBusMessage)?.type === 'sentio.bus.port' && (x as WorkerBusMessage).port instanceof MessagePort
  );
}

export function isHubHostMessage(x: unknown): x is HubHostMessage {
  return (
    (x as HubHostMessage)?.type === 'sentio.hub.connect' && (x as HubHostMessage).port instanceof MessagePort
  );
}
