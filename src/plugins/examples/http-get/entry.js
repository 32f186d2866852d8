/* global sentio */
// Tool: answers `tool.http-get.request` events ({ requestId, path }) with a GET to the one origin its
// manifest is granted, and publishes { requestId, status, body } or { requestId, error } on
// `tool.http-get.result`. The sandbox's CSP lets it reach that origin and nothing else.
'use strict';

const MAX_BODY = 64 * 1024;

sentio.definePlugin({
  async init(ctx) {
    this.origin = ctx.grants.network[0];
    await ctx.subscribe('tool.http-get.request');
  },
  async onEvent(event, ctx) {
    const { requestId, path } = event.payload;
    try {
      if (!this.origin) throw new Error('no network origin was granted');
      if (typeof path !== 'string' || !path.startsWith('/')) throw new Error('path must start with "/"');
      const res = await fetch(this.origin + path, { credentials: 'omit' });
      const body = (await res.text()).slice(0, MAX_BODY);
      ctx.publish('tool.http-get.result', { requestId, status: res.status, body });
    } catch (e) {
      ctx.publish('tool.http-get.result', { requestId, error: String(e && e.message ? e.message : e) });
    }
  },
});
