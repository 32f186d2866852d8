import { expect, test } from 'vitest';
import { DEFAULT_DEVICE_SETTINGS, readDeviceSettings, toBridgeOptions } from './device-settings';

const base = { ...DEFAULT_DEVICE_SETTINGS, server: 'wss://nats.example.com', device: 'phone' };

test('each credential kind becomes the bridge credentials it names, and only that one', () => {
  expect(toBridgeOptions({ ...base, auth: 'none', secret: 'left-over' }).credentials).toBeUndefined();
  expect(toBridgeOptions({ ...base, auth: 'token', secret: 't0k' }).credentials).toEqual({ token: 't0k' });
  expect(toBridgeOptions({ ...base, auth: 'user', user: 'al', secret: 'pw' }).credentials).toEqual({
    user: 'al',
    password: 'pw',
  });
  expect(toBridgeOptions({ ...base, auth: 'nkey', secret: ' SUABC \n' }).credentials).toEqual({
    nkeySeed: 'SUABC',
  });
  expect(toBridgeOptions({ ...base, auth: 'creds', creds: 'file text' }).credentials).toEqual({
    creds: 'file text',
  });
});

test('topics are lists; plain ws:// elsewhere is allowed only when ticked', () => {
  const o = toBridgeOptions({ ...base, exportTopics: 'a.b, c.>\nd', importTopics: '', allowInsecure: false });
  expect(o).toMatchObject({ export: ['a.b', 'c.>', 'd'], import: [], durable: [] });
  expect(o).not.toHaveProperty('allowInsecure');
  expect(toBridgeOptions({ ...base, allowInsecure: true }).allowInsecure).toBe(true);
});

test('a row stored before credential kinds keeps its token; nonsense falls back to the defaults', () => {
  expect(readDeviceSettings({ token: 'old', device: 'laptop' })).toMatchObject({
    auth: 'token',
    secret: 'old',
    device: 'laptop',
  });
  expect(readDeviceSettings({ auth: 'kerberos' }).auth).toBe('none');
  expect(readDeviceSettings(null)).toEqual(DEFAULT_DEVICE_SETTINGS);
});

test('the expression step is always declared, and consent to it is only ever an explicit true', () => {
  expect(toBridgeOptions(base).declassify).toEqual({ 'vision.face.expression': 'expression.devices' });
  expect(readDeviceSettings({ device: 'laptop' }).shareExpressions).toBe(false);
  expect(readDeviceSettings({ shareExpressions: 'yes' }).shareExpressions).toBe(false);
  expect(readDeviceSettings({ shareExpressions: true }).shareExpressions).toBe(true);
});
