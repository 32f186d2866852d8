import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestError, modelForTask, parseManifest, parseModelEntry, TASKS } from './manifest';

const real = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../models/manifest.json'), 'utf8'));

describe('model manifest', () => {
  it('accepts the shipped manifest, with one model per task', () => {
    const m = parseManifest(real);
    for (const t of TASKS) expect(modelForTask(m, t).task).toBe(t);
  });

  it('names the field that is wrong', () => {
    const bad = structuredClone(real);
    bad.models[2].files[0].sha256 = 'abc';
    expect(() => parseManifest(bad)).toThrow(ManifestError);
    expect(() => parseManifest(bad)).toThrow(/models\.2\.files\.0\.sha256: sha256 must be 64 lowercase hex/);
  });

  it('refuses an unknown task, an unknown backend, a path escaping its folder and a duplicate id', () => {
    const entry = real.models[0];
    expect(() => parseModelEntry({ ...entry, task: 'mind-reading' })).toThrow(/task: task must be one of/);
    expect(() => parseModelEntry({ ...entry, backends: ['cuda'] })).toThrow(/backends\.0/);
    expect(() =>
      parseModelEntry({ ...entry, files: [{ ...entry.files[0], path: '../../etc/passwd' }] }),
    ).toThrow(/files\.0\.path/);
    expect(() => parseManifest({ models: [entry, entry] })).toThrow(/duplicate model id/);
  });

  it('takes a user-supplied model by URL and checksum', () => {
    const m = parseModelEntry({
      id: 'my-face',
      task: 'face-detection',
      version: '1',
      source: { url: 'https://models.example/face.onnx' },
      format: 'onnx',
      licence: 'MIT',
      backends: ['onnxruntime-wasm'],
      files: [
        { path: 'model.onnx', url: 'https://models.example/face.onnx', size: 10, sha256: 'a'.repeat(64) },
      ],
    });
    expect(m.files[0]!.url).toBe('https://models.example/face.onnx');
  });
});
