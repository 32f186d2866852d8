import 'fake-indexeddb/auto';
import { expect, test } from 'vitest';
import { openDatabase } from '../storage/db';
import { createPluginStorage, PluginStorageError } from './plugin-storage';

test('keeps values per plugin within a quota; replacing a key counts only its new size', async () => {
  const db = openDatabase(`plugin-storage-${Math.random()}`);
  const s = createPluginStorage(db);
  await s.set('a', 'k', 'v'.repeat(10), 20); // 1 + 12
  expect(await s.get('a', 'k')).toBe('vvvvvvvvvv');
  expect(await s.get('b', 'k')).toBeUndefined();
  await s.set('a', 'k', 'w'.repeat(15), 20); // replaces: 1 + 17
  await expect(s.set('a', 'k2', 'xx', 20)).rejects.toThrow(PluginStorageError);
  expect(await s.usage('a')).toBe(18);
  await expect(s.set('a', '', 1, 100)).rejects.toThrow(/keys are 1–256 characters/);
  await expect(s.set('a', 'f', undefined, 100)).rejects.toThrow(/must be JSON/);
  await s.delete('a', 'k');
  expect(await s.usage('a')).toBe(0);
  db.close();
});
