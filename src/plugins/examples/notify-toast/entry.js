/* global sentio */
// Actuator: turns `agent.notify` events ({ text }) into a toast shown by the host. The plugin cannot touch
// the page; it asks the host's "toast" actuator, which renders text only.
'use strict';

sentio.definePlugin({
  async init(ctx) {
    await ctx.subscribe('agent.notify');
  },
  async onEvent(event, ctx) {
    const text = String(event.payload && event.payload.text).slice(0, 200);
    await ctx.act('toast', { text });
  },
});
