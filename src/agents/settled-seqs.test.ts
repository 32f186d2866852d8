import { expect, test } from 'vitest';
import { SettledSeqs } from './settled-seqs';

test('settledThrough stops below the lowest open seq; settled ones above it are listed', () => {
  const s = new SettledSeqs({ settledThrough: 0, settledAbove: [] });
  for (const seq of [1, 2, 3, 4]) s.arrived(seq);
  s.settle(1);
  s.settle(3);
  const mark = s.mark([1, 3]);
  expect(mark).toEqual({ settledThrough: 1, settledAbove: [3] });
  s.committed(mark);
  s.settle(2);
  s.settle(4);
  expect(s.mark([2, 4])).toEqual({ settledThrough: 4, settledAbove: [] });
});

test('a loaded mark counts as seen, and a seq that arrives out of order (across a load) is still bounded', () => {
  const s = new SettledSeqs({ settledThrough: 5, settledAbove: [8] });
  expect(s.seen(8)).toBe(true);
  expect(s.seen(9)).toBe(false);
  s.arrived(10);
  s.arrived(7); // left open by the load
  s.settle(10);
  expect(s.mark([10])).toEqual({ settledThrough: 6, settledAbove: [8, 10] });
});

test('a long backlog settled in order keeps the mark exact', () => {
  const s = new SettledSeqs({ settledThrough: 0, settledAbove: [] });
  for (let seq = 1; seq <= 5000; seq++) s.arrived(seq);
  for (let seq = 1; seq <= 4000; seq++) s.settle(seq);
  expect(s.mark([])).toEqual({ settledThrough: 4000, settledAbove: [] });
});
